#!/usr/bin/env python3
"""Write a large, deterministic bantin site for the benchmark (and the same corpus for Hugo
and Pelican).

    python bench/gen_corpus.py OUTDIR [--years 5 --issues 52 --articles 10 --seed 1]
                               [--first-year 2022] [--hugo DIR] [--pelican DIR]

The text is Vietnamese administrative-reform news recombined from the phrase lists below
(taken from real bulletins), so it has the length, diacritics and Markdown structure of real
articles: paragraphs, "## " sub-headings, "- " lists, **bold**, and about one article in ten
with a paragraph printed twice. Nothing is read at run time except the arguments.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Vocabulary (embedded; the generator never reads the seed documents)
# --------------------------------------------------------------------------------------------

COMMUNES = [
    "Phường Vinh Hưng", "Phường Vinh Phú", "Phường Vinh Lộc", "Phường Trường Vinh",
    "Phường Thành Vinh", "Phường Cửa Lò", "Phường Hoàng Mai", "Phường Tân Mai",
    "Phường Quỳnh Mai", "Phường Thái Hòa", "Phường Tây Hiếu",
    "Tân Kỳ", "Tân Châu", "Vạn An", "Vĩnh Tường", "Hợp Minh", "Anh Sơn", "Yên Xuân",
    "Nhân Hòa", "Anh Sơn Đông", "Thành Bình Thọ", "Con Cuông", "Môn Sơn", "Mậu Thạch",
    "Cam Phục", "Châu Khê", "Diễn Châu", "Đức Châu", "Quảng Châu", "Hải Châu", "An Châu",
    "Minh Châu", "Hùng Châu", "Đô Lương", "Bạch Ngọc", "Văn Hiến", "Bạch Hà", "Thuần Trung",
    "Lương Sơn", "Hưng Nguyên", "Yên Trung", "Hưng Nguyên Nam", "Lam Thành", "Kỳ Sơn",
    "Bắc Lý", "Mường Lống", "Huồi Tụ", "Mường Xén", "Mỹ Lý", "Keng Đu", "Na Loi", "Nậm Cắn",
    "Hữu Kiệm", "Chiêu Lưu", "Na Ngoi", "Nam Đàn", "Đại Huệ", "Thiên Nhẫn", "Kim Liên",
    "Nghi Lộc", "Phúc Lộc", "Đông Lộc", "Trung Lộc", "Thần Lĩnh", "Hải Lộc", "Văn Kiều",
    "Nghĩa Đàn", "Nghĩa Thọ", "Nghĩa Lâm", "Nghĩa Mai", "Nghĩa Hưng", "Nghĩa Khánh",
    "Nghĩa Lộc", "Quế Phong", "Tiền Phong", "Tri Lễ", "Mường Quàng", "Thông Thụ", "Quỳ Châu",
    "Châu Tiến", "Hùng Chân", "Châu Bình", "Quỳ Hợp", "Tam Hợp", "Châu Lộc", "Châu Hồng",
    "Mường Ham", "Mường Chọng", "Minh Hợp", "Quỳnh Lưu", "Quỳnh Văn", "Quỳnh Anh",
    "Quỳnh Tam", "Quỳnh Phú", "Quỳnh Sơn", "Quỳnh Thắng", "Tân Phú", "Tân An", "Nghĩa Đồng",
    "Giai Xuân", "Nghĩa Hành", "Tiên Đồng", "Thanh Chương", "Cát Ngạn", "Tam Đồng",
    "Hạnh Lâm", "Hoa Quân", "Kim Bảng", "Bích Hào", "Đại Đồng", "Xuân Lâm", "Tương Dương",
    "Lượng Minh", "Yên Na", "Yên Hòa", "Nga My", "Hữu Khuông", "Nhôn Mai", "Tam Quang",
    "Tam Thái", "Yên Thành", "Quan Thành", "Vân Tụ", "Vân Du", "Quang Đồng", "Giai Lạc",
    "Bình Minh", "Đông Thành", "Hùng Nghĩa", "Diễn Thọ", "Sơn Lâm", "Hoa Sơn",
]

BODY_TARGET = 2530  # mean stop length; bodies end up ≈2,850 characters
SECTIONS = ("TIN CCHC TỈNH", "TIN CCHC ĐỊA PHƯƠNG")
EDITORS = ["Mai Dung", "Trần Hằng", "Hà Hiền", "Đảng Thiện", "Hương Chi"]
SOURCES = [
    "Theo Cổng Thông tin điện tử tỉnh Nghệ An - nghean.gov.vn",
    "Theo Báo và Phát thanh, Truyền hình Nghệ An",
    "Theo Sở Nội vụ tỉnh Nghệ An",
]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Thái", "Hà", "Đinh", "Lương", "Cao", "Lữ", "Vi"]
MIDDLES = ["Văn", "Thị", "Đình", "Quang", "Minh", "Hữu", "Xuân", "Thanh", "Ngọc", "Trọng",
           "Thị Thu", "Thị Mai", "Đức", "Khắc", "Nghĩa", "Việt", "Thị Thúy"]
GIVENS = ["Hưng", "Hương", "Thắm", "Sơn", "Trường", "Phượng", "Hải", "Linh", "Thành", "Giang",
          "Hằng", "Hiền", "Dung", "Chi", "Tuấn", "Nam", "Hoa", "Lan", "Bình", "Quý", "Vỹ",
          "Thương", "Phú", "Dũng", "Tâm", "Hà", "Long", "Hùng", "Nga", "Yến", "Thận", "Hiếu"]

LOCAL_ROLES = ["Bí thư Đảng ủy xã", "Phó Bí thư Đảng ủy, Chủ tịch UBND xã",
               "Phó Chủ tịch UBND xã", "Giám đốc Trung tâm Phục vụ hành chính công xã",
               "Trưởng phòng Văn hóa - Xã hội", "Chủ tịch HĐND xã",
               "Phó Bí thư Thường trực Đảng ủy xã"]
PROVINCE_ROLES = ["Phó Chủ tịch UBND tỉnh", "Giám đốc Sở Nội vụ", "Phó Giám đốc Sở Nội vụ",
                  "Giám đốc Sở Khoa học và Công nghệ", "Chánh Văn phòng UBND tỉnh",
                  "Trưởng phòng CCHC & VTLT, Sở Nội vụ", "Giám đốc Sở Tư pháp",
                  "Giám đốc Trung tâm Phục vụ hành chính công tỉnh"]
AUTHOR_UNITS = ["Phòng Văn hóa - Xã hội xã {c}", "chuyên viên Phòng VH - XH xã {c}",
                "Giám đốc Trung tâm Phục vụ hành chính công xã {c}",
                "Văn phòng HĐND và UBND xã {c}", "công chức Văn phòng - Thống kê xã {c}"]

TOPICS = [
    "triển khai mô hình “Trung tâm Phục vụ hành chính công lưu động”",
    "nâng cao Chỉ số cải cách hành chính năm {y}",
    "đẩy mạnh thanh toán trực tuyến trong giải quyết thủ tục hành chính",
    "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "triển khai Chiến dịch “Ngày thứ Bảy vì dân”",
    "thực hiện Đề án 06 trên địa bàn",
    "phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
    "khắc phục các tiêu chí bị mất điểm trong Chỉ số CCHC năm {py}",
    "tăng cường kỷ luật, kỷ cương hành chính trong cơ quan nhà nước",
    "nâng cao chất lượng phục vụ người dân và doanh nghiệp",
    "triển khai dịch vụ công trực tuyến toàn trình",
    "rà soát, cắt giảm, đơn giản hóa thủ tục hành chính",
    "bảo đảm an toàn thông tin mạng trong cơ quan nhà nước",
    "đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân",
    "vận hành bộ máy chính quyền địa phương 02 cấp",
    "xây dựng chính quyền số, kinh tế số và xã hội số",
    "tuyên truyền cải cách hành chính năm {y}",
    "kiểm tra công tác cải cách hành chính năm {y}",
    "phổ cập kỹ năng số cho cán bộ, công chức và Nhân dân",
    "cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
]
EVENTS = ["Hội nghị chuyên đề", "Hội nghị sơ kết", "buổi làm việc", "Hội nghị triển khai",
          "Hội nghị đối thoại", "lớp tập huấn", "Hội nghị trực tuyến", "buổi kiểm tra"]
DOCS = ["Kế hoạch số {n}/KH-UBND", "Quyết định số {n}/QĐ-UBND", "Công văn số {n}/UBND-VX",
        "Chỉ thị số {k}/CT-UBND", "Thông báo số {n}/TB-UBND", "Kế hoạch số {n}/KH-SNV"]
DOC_REFS = ["Nghị quyết số 57-NQ/TW của Bộ Chính trị", "Kế hoạch cải cách hành chính năm {y}",
            "Đề án 06 của Chính phủ", "chỉ đạo của UBND tỉnh",
            "Chương trình tổng thể cải cách hành chính nhà nước",
            "Nghị định số 118/2025/NĐ-CP của Chính phủ"]
CONNECTORS = ["Theo đó", "Bên cạnh đó", "Cùng với đó", "Đồng thời", "Ngoài ra",
              "Trên cơ sở đó", "Trong thời gian tới", "Thời gian qua", "Đặc biệt", "Qua đó",
              "Song song với đó", "Trong quá trình thực hiện"]
ACTORS_LOCAL = ["UBND xã", "các phòng chuyên môn", "Trung tâm Phục vụ hành chính công",
                "Công an xã", "Tổ công nghệ số cộng đồng", "Đoàn Thanh niên xã",
                "Ban cán sự các xóm", "đội ngũ cán bộ, công chức", "Văn phòng HĐND và UBND",
                "Phòng Văn hóa - Xã hội", "Phòng Kinh tế", "Ủy ban MTTQ và các đoàn thể"]
ACTORS_PROVINCE = ["UBND tỉnh", "các Sở, ban, ngành cấp tỉnh", "Sở Nội vụ",
                   "Sở Khoa học và Công nghệ", "Trung tâm Phục vụ hành chính công tỉnh",
                   "Công an tỉnh", "UBND các xã, phường", "Văn phòng UBND tỉnh", "Sở Tư pháp",
                   "Ban Chỉ đạo cải cách hành chính tỉnh"]
ACTIONS = ["tập trung rà soát", "đẩy mạnh tuyên truyền về", "hướng dẫn người dân thực hiện",
           "chủ động tham mưu triển khai", "triển khai đồng bộ", "tổ chức kiểm tra",
           "kịp thời tháo gỡ khó khăn, vướng mắc trong", "nâng cao chất lượng",
           "đôn đốc thực hiện", "công khai đầy đủ", "số hóa toàn bộ", "theo dõi, đánh giá",
           "quán triệt đầy đủ", "phối hợp chặt chẽ trong", "rà soát, chuẩn hóa",
           "hỗ trợ người dân trong"]
OBJECTS = ["thủ tục hành chính lĩnh vực hộ tịch, chứng thực, đất đai",
           "dịch vụ công trực tuyến toàn trình", "thanh toán trực tuyến phí, lệ phí",
           "hồ sơ cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
           "tài khoản định danh điện tử (VNeID)", "hệ thống gửi, nhận văn bản điện tử",
           "các tiêu chí, tiêu chí thành phần của Chỉ số cải cách hành chính",
           "Bộ chỉ số phục vụ người dân, doanh nghiệp",
           "kết quả giải quyết thủ tục hành chính", "cơ sở dữ liệu quốc gia về dân cư",
           "quy trình nội bộ giải quyết thủ tục hành chính",
           "chế độ báo cáo điện tử trên Hệ thống thông tin báo cáo",
           "việc xin lỗi đối với hồ sơ quá hạn", "chữ ký số cá nhân và chữ ký số chuyên dùng",
           "hồ sơ minh chứng Chỉ số CCHC", "hạ tầng công nghệ thông tin tại cơ sở",
           "các nhiệm vụ cải cách hành chính trọng tâm", "ứng dụng trí tuệ nhân tạo (AI)",
           "thông tin phản ánh, kiến nghị của người dân", "kỹ năng số cho Nhân dân"]
PURPOSES = ["nhằm nâng cao chất lượng phục vụ người dân và doanh nghiệp",
            "góp phần xây dựng nền hành chính hiện đại, chuyên nghiệp, công khai, minh bạch",
            "bảo đảm giải quyết đúng hạn, không để hồ sơ tồn đọng kéo dài",
            "tạo thuận lợi tối đa cho người dân khi thực hiện thủ tục hành chính",
            "hướng tới xây dựng chính quyền số, kinh tế số và xã hội số",
            "phấn đấu hoàn thành tốt các nhiệm vụ cải cách hành chính năm {y}",
            "kịp thời khắc phục những tồn tại, hạn chế",
            "nâng cao thứ hạng Chỉ số cải cách hành chính",
            "thu hẹp khoảng cách số giữa các khu vực",
            "củng cố niềm tin của Nhân dân đối với cấp ủy, chính quyền"]
PROBLEMS = ["tỷ lệ hồ sơ trực tuyến toàn trình ở một số lĩnh vực còn thấp",
            "chất lượng hồ sơ minh chứng chưa đáp ứng yêu cầu",
            "hạ tầng viễn thông ở một số vùng còn hạn chế, vẫn còn vùng lõm sóng",
            "một số cán bộ, công chức chưa thực sự chủ động trong tham mưu",
            "việc số hóa kết quả giải quyết thủ tục hành chính chưa đồng đều",
            "kỹ năng sử dụng dịch vụ công trực tuyến của một bộ phận người dân còn hạn chế",
            "hồ sơ đất đai tồn đọng kéo dài chưa được xử lý dứt điểm"]
REPORT_VERBS = ["thông qua báo cáo phân tích chi tiết", "đánh giá toàn diện",
                "báo cáo kết quả thực hiện", "trình bày dự thảo", "làm rõ nguyên nhân của"]
REPORT_OBJECTS = ["kết quả Chỉ số CCHC năm {py}", "tiến độ thực hiện nhiệm vụ 6 tháng đầu năm {y}",
                  "những tồn tại, hạn chế trong công tác cải cách hành chính",
                  "kế hoạch khắc phục các tiêu chí bị mất điểm",
                  "kết quả triển khai Đề án 06 và chuyển đổi số"]
OCCASIONS = ["kết luận hội nghị", "chỉ đạo tại buổi làm việc", "tại hội nghị",
             "bế mạc lớp tập huấn", "kết luận buổi đối thoại"]
EMPH_VERBS = ["nhấn mạnh", "khẳng định", "đề nghị", "yêu cầu"]
QUOTES = [
    "Chỉ số cải cách hành chính không chỉ là những con số trên giấy, mà phản ánh trực tiếp "
    "sự hài lòng của Nhân dân và doanh nghiệp",
    "Mỗi cán bộ, công chức phải thực sự là công bộc của dân, phục vụ tận tâm, tận tụy",
    "Việc khắc phục các tiêu chí mất điểm không phải việc riêng của một phòng nào, mà là "
    "trách nhiệm chung của cả hệ thống",
    "Cải cách hành chính và chuyển đổi số là nhiệm vụ trọng tâm, xuyên suốt, lâu dài",
    "Phải rõ người, rõ việc, rõ trách nhiệm, rõ thời gian, rõ kết quả",
    "Không để người dân phải đi lại nhiều lần vì cùng một thủ tục",
    "Người đứng đầu phải chịu trách nhiệm trực tiếp về kết quả cải cách hành chính của đơn vị",
]
SLOGANS = ["Lấy người dân làm trung tâm phục vụ", "Chính quyền phục vụ – Chủ động đến với Nhân dân",
           "Ngày thứ Bảy vì dân", "Dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, "
           "dân thụ hưởng", "Mỗi người dân một tài khoản dịch vụ công",
           "Nói đi đôi với làm", "Đúng hẹn, minh bạch, thân thiện"]
BENEFICIARIES = ["người dân", "hộ gia đình", "người cao tuổi", "hộ kinh doanh", "học sinh",
                 "đoàn viên thanh niên", "người có công"]
SUPPORTS = ["cài đặt và kích hoạt tài khoản định danh điện tử mức độ 2",
            "nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia",
            "thanh toán trực tuyến phí, lệ phí", "đăng ký khai sinh, khai tử trực tuyến",
            "tích hợp giấy tờ cá nhân trên ứng dụng VNeID",
            "tra cứu tình trạng giải quyết hồ sơ"]
HEADINGS = ["Đưa dịch vụ công đến gần người dân", "Phục vụ đa lĩnh vực, sát nhu cầu thực tế",
            "Hỗ trợ nhóm đối tượng yếu thế",
            "Kết hợp phổ biến cải cách hành chính và chuyển đổi số",
            "Tăng cường phối hợp giữa chính quyền và đoàn thể",
            "Đánh giá hiệu quả bằng mức độ hài lòng của người dân",
            "Chuẩn bị chu đáo, phân công rõ người, rõ việc",
            "Những kết quả bước đầu", "Nhiệm vụ, giải pháp trong thời gian tới",
            "Tồn tại, hạn chế và nguyên nhân", "Khắc phục dứt điểm các tiêu chí mất điểm",
            "Đẩy mạnh chuyển đổi số trong giải quyết thủ tục hành chính",
            "Nâng cao trách nhiệm người đứng đầu", "Một số kiến nghị, đề xuất"]
LIST_INTROS = ["Một số nhiệm vụ trọng tâm được xác định gồm:",
               "Kế hoạch tập trung vào các nội dung sau:",
               "Các đại biểu thống nhất một số giải pháp:",
               "UBND xã giao nhiệm vụ cụ thể cho từng bộ phận:",
               "Các nhiệm vụ, giải pháp chủ yếu:"]
TITLE_TAILS = [" năm {y}", " 6 tháng đầu năm {y}", " đợt 1 năm {y}", " đợt 2 năm {y}",
               " tại các xóm", " trên địa bàn", " gắn với chuyển đổi số", " quý {k4}",
               " trong tình hình mới", " theo mô hình chính quyền 02 cấp"]
TITLE_PATTERNS_LOCAL = [
    "UBND xã tổ chức {event} về {topic}",
    "Triển khai {topic}",
    "Kết quả bước đầu trong {topic}",
    "{event_cap} đánh giá công tác {topic}",
    "Ban hành kế hoạch {topic}",
    "Đẩy mạnh {topic}",
]
TITLE_PATTERNS_PROVINCE = [
    "UBND tỉnh chỉ đạo {topic}",
    "Kiểm tra, hướng dẫn, đôn đốc các địa phương {topic}",
    "Nghệ An tập trung {topic}",
    "Sở Nội vụ tổ chức {event} về {topic}",
    "Ban hành kế hoạch {topic}",
    "Tăng cường {topic}",
]

# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    title: str
    slug: str
    issue: int
    year: int
    monday: date
    section: str
    commune: str | None
    author: str | None
    source: str | None
    editor: str
    order: int
    body: str

    @property
    def friday(self) -> date:
        return self.monday + timedelta(days=4)

    @property
    def shown_title(self) -> str:
        """The title as bantin prints it ("Xã Tân Kỳ: …"), for the Hugo and Pelican copies."""
        if not self.commune:
            return self.title
        place = self.commune if self.commune.startswith(("Phường ", "Thị trấn ")) \
            else f"Xã {self.commune}"
        return f"{place}: {self.title}"

    @property
    def week(self) -> str:
        f = self.friday
        return f"{self.monday.day}/{self.monday.month}-{f.day}/{f.month}"


@dataclass(frozen=True)
class Options:
    years: int = 5
    issues: int = 52
    articles: int = 10
    seed: int = 1
    first_year: int = 2022


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def slugify(text: str, max_length: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(slug) > max_length:
        cut = slug.rfind("-", 0, max_length + 1)
        slug = slug[: cut if cut > 0 else max_length]
    return slug


def unique_communes() -> list[str]:
    seen: dict[str, str] = {}
    for name in COMMUNES:
        seen.setdefault(slugify(name), name)
    return list(seen.values())


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

# sentence forms 0-5 are special (figures, report, quote, problems, results, slogan); the
# rest are the common "connector, actor action object; action object, purpose" form
SENTENCE_KINDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]


class Writer:
    """Sentences, paragraphs and bodies for one article, from one random stream."""

    def __init__(self, rng: random.Random, year: int, monday: date, commune: str | None):
        self.rng = rng
        self.year = year
        self.monday = monday
        self.commune = commune
        self.local = commune is not None
        self.unit = unit_name(commune) if commune else "tỉnh Nghệ An"

    def pick(self, items: list[str]) -> str:
        return self.fill(self.rng.choice(items))

    def fill(self, text: str) -> str:
        if "{" not in text:
            return text
        r = self.rng
        return text.format(y=self.year, py=self.year - 1, n=r.randint(12, 9800),
                           k=r.randint(1, 40), k4=r.choice(("I", "II", "III", "IV")),
                           c=self.commune or "Tân Kỳ")

    def day(self) -> str:
        d = self.monday - timedelta(days=self.rng.randint(0, 11))
        return f"{d.day}/{d.month}/{d.year}"

    def person(self) -> str:
        r = self.rng
        return f"{r.choice(SURNAMES)} {r.choice(MIDDLES)} {r.choice(GIVENS)}"

    def actor(self) -> str:
        return self.pick(ACTORS_LOCAL if self.local else ACTORS_PROVINCE)

    def org(self) -> str:
        return f"UBND {self.unit}" if self.local else self.pick(ACTORS_PROVINCE)

    def lead(self, topic: str) -> str:
        r, org = self.rng, self.org()
        forms = [
            f"Ngày {self.day()}, {org} đã ban hành {self.pick(DOCS)} về {topic}.",
            f"Sáng {self.day()}, {org} tổ chức {self.pick(EVENTS)} về {topic}.",
            f"Nhằm {topic}, ngày {self.day()}, {org} đã tổ chức {self.pick(EVENTS)} "
            f"với sự tham dự của lãnh đạo các cơ quan, đơn vị liên quan.",
            f"Thực hiện {self.pick(DOC_REFS)}, chiều {self.day()}, {org} đã tổ chức "
            f"{self.pick(EVENTS)} về {topic}.",
        ]
        return r.choice(forms)

    def sentence(self, kind: int | None = None) -> str:
        r = self.rng
        kind = r.randrange(10) if kind is None else kind
        if kind == 0:
            n = r.randint(800, 420000)
            return (f"Từ đầu năm {self.year}, {self.unit} đã tiếp nhận {vn_int(n)} hồ sơ, "
                    f"trong đó có {vn_int(int(n * r.uniform(0.7, 0.99)))} hồ sơ trực tuyến; "
                    f"tỷ lệ giải quyết đúng hạn đạt {vn_dec(r.uniform(95, 100))}%.")
        if kind == 1:
            return f"Tại hội nghị, {self.actor()} đã {self.pick(REPORT_VERBS)} " \
                   f"{self.pick(REPORT_OBJECTS)}."
        if kind == 2:
            role = self.pick(LOCAL_ROLES if self.local else PROVINCE_ROLES)
            return (f"Phát biểu {self.pick(OCCASIONS)}, đồng chí {self.person()} – {role} "
                    f"{self.pick(EMPH_VERBS)}: “{self.pick(QUOTES)}”.")
        if kind == 3:
            return (f"Bên cạnh những kết quả đạt được, vẫn còn một số hạn chế như "
                    f"{self.pick(PROBLEMS)}; {self.pick(PROBLEMS)}.")
        if kind == 4:
            return (f"Kết quả, đã có {r.randint(12, 900)} lượt {self.pick(BENEFICIARIES)} "
                    f"được hỗ trợ {self.pick(SUPPORTS)}.")
        if kind == 5:
            return (f"Xác định rõ tinh thần **“{self.pick(SLOGANS)}”**, {self.actor()} "
                    f"{self.pick(ACTIONS)} {self.pick(OBJECTS)}.")
        c = self.pick(CONNECTORS)
        return (f"{c}, {self.actor()} {self.pick(ACTIONS)} {self.pick(OBJECTS)}; "
                f"{self.pick(ACTIONS)} {self.pick(OBJECTS)}, {self.pick(PURPOSES)}.")

    def paragraph(self) -> str:
        kinds = self.rng.sample(SENTENCE_KINDS, k=self.rng.randint(2, 4))
        return " ".join(self.sentence(kind) for kind in kinds)

    def bullets(self) -> str:
        items = [f"- {capital(self.pick(ACTIONS))} {self.pick(OBJECTS)};"
                 for _ in range(self.rng.randint(3, 6))]
        items[-1] = items[-1][:-1] + "."
        return self.pick(LIST_INTROS) + "\n\n" + "\n".join(items)

    def closing(self) -> str:
        return (f"Thông qua {self.pick(EVENTS)}, {self.unit} tiếp tục khẳng định quyết tâm đổi "
                f"mới mạnh mẽ công tác cải cách hành chính, {self.pick(PURPOSES)}; "
                f"{self.pick(PURPOSES)}.")

    def body(self, topic: str, target: int) -> str:
        r = self.rng
        blocks = [self.lead(topic) + " " + self.sentence()]
        headings = r.sample(HEADINGS, k=len(HEADINGS)) if r.random() < 0.45 else []
        want_list = r.random() < 0.4
        size = len(blocks[0])
        while size < target - 250:
            if headings and r.random() < 0.3:
                block = "## " + headings.pop()
            elif want_list and r.random() < 0.25:
                block, want_list = self.bullets(), False
            else:
                block = self.paragraph()
            blocks.append(block)
            size += len(block) + 2
        blocks.append(self.closing())
        if r.random() < 0.1:
            repeat_paragraph(blocks, r)
        return "\n\n".join(blocks) + "\n"


def repeat_paragraph(blocks: list[str], r: random.Random) -> None:
    """The closing paragraph printed twice, as it happens in real bulletins: either glued to
    the end of the paragraph before it and then on its own, or simply twice in a row."""
    last = blocks[-1]
    prev = blocks[-2]
    if r.random() < 0.5 and not prev.startswith(("## ", "- ")) and "\n" not in prev:
        blocks[-2] = prev + " " + last
    else:
        blocks.insert(-1, last)


def unit_name(commune: str) -> str:
    for prefix in ("Phường ", "Thị trấn "):
        if commune.startswith(prefix):
            return prefix.lower() + commune[len(prefix):]
    return f"xã {commune}"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def vn_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def vn_dec(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------


def title_for(w: Writer, topic: str) -> str:
    patterns = TITLE_PATTERNS_LOCAL if w.local else TITLE_PATTERNS_PROVINCE
    first = topic.split()[0]  # no "Triển khai triển khai …"
    pattern = w.rng.choice([p for p in patterns if p.split()[0].lower() != first])
    event = w.pick(EVENTS)
    title = pattern.format(topic=topic, event=event, event_cap=capital(event))
    tail = w.pick(TITLE_TAILS)
    if w.rng.random() < 0.6 and not re.search(r"\d{4}$", title) and tail not in title:
        title += tail
    return capital(title)


def make_article(rng: random.Random, year: int, number: int, local: bool, order: int,
                 communes: list[str], taken: set[str]) -> Article:
    monday = date.fromisocalendar(year, number, 1)
    commune = rng.choice(communes) if local else None
    w = Writer(rng, year, monday, commune)
    topic = w.pick(TOPICS)
    title = title_for(w, topic)
    slug = slugify((commune + " " if commune else "") + title)
    base, k = slug, 2
    while slug in taken:
        slug, k = f"{base}-{k}", k + 1
    taken.add(slug)
    target = max(1400, min(5600, int(rng.gauss(BODY_TARGET, 700))))
    author = None
    if commune and rng.random() < 0.6:
        author = f"{w.person()}, {w.pick(AUTHOR_UNITS)}"
    source = rng.choice(SOURCES) if not local and rng.random() < 0.75 else None
    return Article(title=title, slug=slug, issue=number, year=year, monday=monday,
                   section=SECTIONS[1] if local else SECTIONS[0], commune=commune,
                   author=author, source=source, editor=rng.choice(EDITORS), order=order,
                   body=unicodedata.normalize("NFC", w.body(topic, target)))


def make_issue(opts: Options, year: int, number: int, communes: list[str],
               taken: set[str]) -> list[Article]:
    """One issue's articles; `taken` holds the slugs used so far (unique corpus-wide, as
    Pelican wants)."""
    rng = random.Random(f"{opts.seed}:{year}:{number}")
    kinds = sorted(rng.random() >= 0.3 for _ in range(opts.articles))  # provincial first
    out: list[Article] = []
    orders = {False: 0, True: 0}
    for local in kinds:
        orders[local] += 1
        out.append(make_article(rng, year, number, local, orders[local], communes, taken))
    return out


def corpus(opts: Options) -> Iterable[Article]:
    communes = unique_communes()
    taken: set[str] = set()
    for year in range(opts.first_year, opts.first_year + opts.years):
        for number in range(1, opts.issues + 1):
            yield from make_issue(opts, year, number, communes, taken)


# --------------------------------------------------------------------------------------------
# Output: bantin, Hugo, Pelican
# --------------------------------------------------------------------------------------------

SITE_YML = """\
title: CẢI CÁCH HÀNH CHÍNH
publisher: BẢN TIN NỘI BỘ CỦA CƠ QUAN THƯỜNG TRỰC CCHC TỈNH NGHỆ AN
province: Nghệ An
base_url: https://example.gov.vn/ban-tin/
sections: [TIN CCHC TỈNH, TIN CCHC ĐỊA PHƯƠNG]
local_section: TIN CCHC ĐỊA PHƯƠNG
weekly: true
direction:
  - "Nguyễn Văn An, Giám đốc Sở Nội vụ"
editorial: "Phòng Cải cách hành chính và Văn thư lưu trữ, Sở Nội vụ"
"""


def q(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def bantin_front(a: Article) -> str:
    lines = ["---", f"title: {q(a.title)}", f"issue: {a.issue}", f"year: {a.year}",
             f"week: {q(a.week)}", f"section: {a.section}"]
    if a.commune:
        lines.append(f"commune: {a.commune}")
    if a.author:
        lines.append(f"author: {q(a.author)}")
    if a.source:
        lines.append(f"source: {q(a.source)}")
    lines += [f"editor: {a.editor}", f"slug: {a.slug}", f"order: {a.order}", "---", "", ""]
    return "\n".join(lines)


def hugo_front(a: Article) -> str:
    lines = ["---", f"title: {q(a.shown_title)}", f"slug: {a.slug}",
             f"date: {a.friday.isoformat()}", f"weight: {a.order}",
             f"sections: [{q(a.section)}]"]
    if a.commune:
        lines.append(f"communes: [{q(a.commune)}]")
    lines += ["params:", f"  issue: {a.issue}", f"  year: {a.year}", f"  week: {q(a.week)}",
              f"  editor: {q(a.editor)}"]
    if a.author:
        lines.append(f"  author: {q(a.author)}")
    if a.source:
        lines.append(f"  source: {q(a.source)}")
    lines += ["---", "", ""]
    return "\n".join(lines)


def pelican_front(a: Article) -> str:
    lines = [f"Title: {a.shown_title}", f"Date: {a.friday.isoformat()} 08:00", f"Slug: {a.slug}",
             f"Category: {a.section}", f"Issue: {a.issue}", f"Year: {a.year}",
             f"Week: {a.week}", f"Editor: {a.editor}"]
    if a.commune:
        lines.append(f"Tags: {a.commune}")
    if a.author:
        lines.append(f"Byline: {a.author}")
    if a.source:
        lines.append(f"Source: {a.source}")
    return "\n".join(lines) + "\n\n"


def article_path(root: Path, a: Article) -> Path:
    return root / "content" / str(a.year) / str(a.issue) / f"{a.slug}.md"


def write_articles(root: Path, articles: list[Article],
                   front: Callable[[Article], str]) -> None:
    for a in articles:
        path = article_path(root, a)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front(a) + a.body, encoding="utf-8")


def fresh(root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)


def write_bantin(root: Path, articles: list[Article]) -> None:
    fresh(root)
    (root / "site.yml").write_text(SITE_YML, encoding="utf-8")
    write_articles(root, articles, bantin_front)


HUGO_TOML = """\
baseURL = "https://example.gov.vn/ban-tin/"
locale = "vi"
buildFuture = true
title = "CẢI CÁCH HÀNH CHÍNH"
removePathAccents = true
disableKinds = []
enableRobotsTXT = false

[taxonomies]
commune = "communes"
section = "sections"

[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html"]

[services.rss]
limit = 30
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title></head>
<body>
<nav><a href="{{ "" | relURL }}">{{ site.Title }}</a>
{{- range site.Taxonomies.sections }}
 | <a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a>
{{- end }}
</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p>Số {{ .Params.issue }} ({{ .Params.week }}/{{ .Params.year }})
{{- range .GetTerms "communes" }}
 · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>
{{- end }}</p>
{{ .Content }}
<p><em>
{{- with .Params.source }}{{ . }}<br>{{ end }}
{{- with .Params.author }}{{ . }}<br>{{ end }}
{{- .Params.editor }} tổng hợp</em></p>
</article>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">← {{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }} →</a>{{ end }}
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Sections }}<ul>
{{- range . }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{- end }}
</ul>{{ end }}
<ul>
{{- range .RegularPages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<small>{{ .Summary | plainify | truncate 160 }}</small></li>
{{- end }}
</ul>
{{ end }}
""",
}


def write_hugo(root: Path, articles: list[Article]) -> None:
    """Same corpus as a Hugo site: one section per year and per issue (with _index.md),
    taxonomies for communes and sections, RSS and sitemap from Hugo's own templates."""
    fresh(root)
    (root / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    write_articles(root, articles, hugo_front)
    (root / "content" / "_index.md").write_text(
        f"---\ntitle: {q('Bản tin Cải cách hành chính')}\n---\n", encoding="utf-8")
    issues: dict[tuple[int, int], Article] = {}
    for a in articles:
        issues.setdefault((a.year, a.issue), a)
    for year in sorted({y for y, _ in issues}):
        (root / "content" / str(year) / "_index.md").write_text(
            f"---\ntitle: {q(f'Năm {year}')}\nweight: {-year}\n---\n", encoding="utf-8")
    for (year, number), a in issues.items():
        title = f"Số {number} ({a.week}/{year})"
        (root / "content" / str(year) / str(number) / "_index.md").write_text(
            f"---\ntitle: {q(title)}\nweight: {number}\n---\n", encoding="utf-8")


PELICANCONF = """\
# Pelican settings for the bantin benchmark corpus (same articles as the bantin site).
AUTHOR = "Sở Nội vụ tỉnh Nghệ An"
SITENAME = "CẢI CÁCH HÀNH CHÍNH"
SITEURL = "https://example.gov.vn/ban-tin"
RELATIVE_URLS = False
PATH = "content"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_PAGINATION = False
FEED_MAX_ITEMS = 30
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARTICLE_URL = "{year}/{issue}/{slug}/"
ARTICLE_SAVE_AS = "{year}/{issue}/{slug}/index.html"
CATEGORY_URL = "chuyen-muc/{slug}/"
CATEGORY_SAVE_AS = "chuyen-muc/{slug}/index.html"
TAG_URL = "dia-phuong/{slug}/"
TAG_SAVE_AS = "dia-phuong/{slug}/index.html"
CATEGORIES_SAVE_AS = "chuyen-muc/index.html"
TAGS_SAVE_AS = "dia-phuong/index.html"
ARCHIVES_SAVE_AS = "luu-tru/index.html"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
READERS = {"rst": None}  # Markdown only (and no docutils warning about "vi")
"""


def write_pelican(root: Path, articles: list[Article]) -> None:
    """Same corpus as a Pelican site: category = section, tag = commune, default theme."""
    fresh(root)
    (root / "pelicanconf.py").write_text(PELICANCONF, encoding="utf-8")
    write_articles(root, articles, pelican_front)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir", type=Path, help="where to write the bantin site (replaced)")
    p.add_argument("--years", type=int, default=5)
    p.add_argument("--issues", type=int, default=52, help="weekly issues per year (≤ 52)")
    p.add_argument("--articles", type=int, default=10, help="articles per issue")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--first-year", type=int, default=2022)
    p.add_argument("--hugo", type=Path, help="also write the corpus as a Hugo site here")
    p.add_argument("--pelican", type=Path, help="also write the corpus as a Pelican site here")
    args = p.parse_args(argv)
    if not 1 <= args.issues <= 52:
        p.error("--issues must be between 1 and 52")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    opts = Options(years=args.years, issues=args.issues, articles=args.articles,
                   seed=args.seed, first_year=args.first_year)
    articles = list(corpus(opts))
    write_bantin(args.outdir, articles)
    if args.hugo:
        write_hugo(args.hugo, articles)
    if args.pelican:
        write_pelican(args.pelican, articles)
    chars = sum(len(a.body.strip()) for a in articles)
    communes = len({a.commune for a in articles if a.commune})
    print(f"{len(articles)} articles, {len({(a.year, a.issue) for a in articles})} issues, "
          f"{communes} communes, {chars:,} characters of body text "
          f"({chars // max(1, len(articles)):,} per article) -> {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
