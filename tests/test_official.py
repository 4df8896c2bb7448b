"""bantin.official: official documents (Báo cáo, Thông báo, Kế hoạch…) read as article parts."""

from __future__ import annotations

import pytest

from bantin.official import (
    HEADER,
    KIND_SUBJECT,
    RECIPIENTS,
    SIGNATURE,
    OfficialDoc,
    demote_headings,
    is_all_caps,
    read_official,
    sentence_case,
)

# Excerpt of a real Báo cáo in Markdown (seed 003): header without issuer or motto, headings
# at inconsistent levels, bold everywhere, Nơi nhận, a signature joined with hard breaks.
SEED_003 = """

Số: 119/BC-UBND

Tân Kỳ, ngày tháng 05 năm 2026

## BÁO CÁO

### **Phân tích đánh giá những tồn tại, hạn chế, những tiêu chí, tiêu chí thành phần bị mất điểm trong chỉ số CCHC 2025**

Thực hiện Công văn số 2624/SNV-CCHC&VTLT ngày 14/4/2026 của Sở Nội vụ về việc tổ chức phân tích đánh giá những tồn tại, hạn chế, những tiêu chí, tiêu chí thành phần bị mất điểm và ban hành kế hoạch khắc phục các tiêu chí/tiêu chí thành phần mất điểm trong chỉ số CCHC 2025. UBND xã Tân Kỳ báo cáo kết quả như sau:

#### **I. KẾT QUẢ XẾP HẠNG CCHC NĂM 2025**

##### **1. Tổng quan về bảng tiêu chí đánh giá, xếp hạng CCHC cấp xã:**

- Tổng số điểm đánh giá: 100 điểm. Trong đó:
  - + Điểm chấm các tiêu chí thực hiện các nội dung công tác CCHC: 73,5 điểm.
  - + Điểm chấm dựa trên điều tra XHH về thực hiện công tác CCHC: 26,5 điểm.

##### **2. Về chấm điểm chỉ số CCHC của xã Tân Kỳ**

Năm 2025, xã Tân Kỳ đạt 61,85 điểm/73,5 điểm (bị trừ 11,65 điểm), xếp thứ 3/130 xã phường trong toàn tỉnh.

## **III. NHIỆM VỤ TRỌNG TÂM NĂM 2026**

### **1. Nhiệm vụ chung**

- Tiếp tục xác định cải cách hành chính là nhiệm vụ chính trị trọng tâm, thường xuyên và xuyên suốt trong hoạt động chỉ đạo, điều hành của UBND xã; nâng cao trách nhiệm người đứng đầu trong tổ chức thực hiện nhiệm vụ CCHC. Tăng cường kiểm tra, đôn đốc, đánh giá tiến độ thực hiện các nhiệm vụ; gắn kết quả CCHC với đánh giá, xếp loại cán bộ, công chức và thi đua khen thưởng cuối năm.

## **2. Nhiệm vụ cụ thể đối với các phòng, ban, đơn vị.**

### **1. Phòng Văn hóa – Xã hội**

- Chủ trì tham mưu UBND xã theo dõi, đôn đốc, tổng hợp kết quả thực hiện công tác cải cách hành chính trên địa bàn xã; tham mưu xây dựng báo cáo định kỳ, báo cáo chuyên đề, báo cáo phân tích Chỉ số CCHC và kế hoạch khắc phục các tiêu chí bị mất điểm hàng năm.

Trên đây là báo cáo phân tích đánh giá những tồn tại, hạn chế, những tiêu chí, tiêu chí thành phần bị mất điểm trong chỉ số CCHC 2025 của UBND xã Tân Kỳ./.

***Nơi nhận:***

- Sở Nội vụ (b/c);
- TT Đảng ủy;
- TT HĐND xã;
- Chủ tịch, các PCT UBND xã;
- Các phòng, VP HĐND-UBND xã;
- Trung tâm Phục vụ HCC;
- Công thông tin điện tử xã;
- Lưu: VT.

**TM. ỦY BAN NHÂN DÂN\x20\x20
KT. CHỦ TỊCH\x20\x20
PHÓ CHỦ TỊCH**

**Trịnh Huy Toàn**"""

# Excerpt of a real Thông báo from another province (seed 004): blank number and day,
# plain-text numbered headings, the signer's name at the very end without a newline.
SEED_004 = """

Số: /TB-UBND

Nghi Dương, ngày tháng năm 2026

THÔNG BÁO

Kết luận của Chủ tịch Ủy ban nhân dân xã tại hội nghị đánh giá bộ chỉ tiêu chấm điểm kết quả ứng dụng công nghệ thông tin, chuyển đổi số cấp xã hàng quý và Chương trình hành động Đề án số 04-ĐA/TU ngày 14/01/2026 của Ban Chấp hành Đảng bộ thành phố về xây dựng mô hình Chủ nghĩa xã hội gắn với con người Xã hội chủ nghĩa tại thành phố Hải Phòng giai đoạn 2026 - 2030 và những năm tiếp theo

Sáng ngày 29/6/2026, đồng chí Nguyễn Thanh Ngọc, Chủ tịch Ủy ban nhân dân xã chủ trì hội nghị nghe báo cáo về các nội dung nêu trên. Dự hội nghị có đồng chí Phó Chủ tịch UBND xã phụ trách, Lãnh đạo các phòng chuyên môn, đơn vị: Văn phòng HĐND và UBND, Phòng Kinh tế, Phòng Văn hoá - Xã hội, Trung tâm Phục vụ Hành chính công, Trung tâm dịch vụ Sự nghiệp công và các chuyên viên có liên quan.

Sau khi nghe báo cáo của các phòng chuyên môn, đơn vị, ý kiến thảo luận của các đại biểu dự Hội nghị, đồng chí Chủ tịch Ủy ban nhân dân xã kết luận chỉ đạo như sau:

I. VỀ CHUYỂN ĐỔI SỐ

1. Đánh giá chung

Trong thời gian qua, các phòng chuyên môn, đơn vị đã tích cực triển khai các nhiệm vụ về chuyển đổi số, ứng dụng công nghệ thông tin. Một số nhiệm vụ đã được quan tâm triển khai, từng bước đáp ứng yêu cầu quản lý, điều hành trên môi trường số; việc ứng dụng các nền tảng số trong giải quyết thủ tục hành chính tiếp tục được duy trì; công tác tuyên truyền về chuyển đổi số từng bước được quan tâm.

Tuy nhiên, tiến độ thực hiện một số tiêu chí trong Bộ chỉ tiêu chấm điểm kết quả ứng dụng công nghệ thông tin, chuyển đổi số còn chậm; việc chuẩn bị hồ sơ minh chứng chưa đầy đủ; một số tiêu chí chưa đạt điểm tối đa, ảnh hưởng trực tiếp đến kết quả đánh giá chung của xã. Công tác triển khai hạ tầng số tại nhà văn hóa thôn, hoàn thiện dữ liệu trên các phần mềm chuyên ngành còn chưa đồng bộ.

Để hoàn thành các chỉ tiêu, nhiệm vụ được giao, Chủ tịch UBND xã yêu cầu các phòng chuyên môn, đơn vị tập trung thực hiện nghiêm các nhiệm vụ sau

2. Nhiệm vụ cụ thể

2.1. Giao Phòng Văn hóa - Xã hội

Là cơ quan đầu mối theo dõi chung công tác chuyển đổi số; định kỳ hằng quý tổng hợp kết quả thực hiện từng tiêu chí, báo cáo Chủ tịch UBND xã; đồng thời chủ động tham mưu các giải pháp tháo gỡ khó khăn, bảo đảm hoàn thành các chỉ tiêu chấm điểm theo quy định. Nội dung theo dõi phải gắn với các tiêu chí, tài liệu kiểm chứng và đơn vị chủ trì được quy định trong Bộ chỉ tiêu chấm điểm.

2.6. Yêu cầu tất cả các phòng chuyên môn, đơn vị

Thực hiện nhập đầy đủ dữ liệu trên các phần mềm, cơ sở dữ liệu chuyên ngành. Trong quá trình thực hiện phải **chụp ảnh màn hình, lưu trữ tài liệu minh chứng** phục vụ công tác kiểm tra, đánh giá. Chủ động hoàn thiện hồ sơ kiểm chứng ngay sau khi hoàn thành từng nhiệm vụ, không để dồn đến thời điểm tổng hợp, báo cáo.

II. VỀ XÂY DỰNG MÔ HÌNH CHỦ NGHĨA XÃ HỘI GẮN VỚI CON NGƯỜI XÃ HỘI CHỦ NGHĨA GIAI ĐOẠN 2026-2030

1. Đánh giá chung

III. TỔ CHỨC THỰC HIỆN

- Trưởng các phòng chuyên môn và người đứng đầu các đơn vị liên quan chịu trách nhiệm trước Chủ tịch UBND xã về tiến độ, chất lượng thực hiện các nhiệm vụ được giao; chủ động phối hợp xử lý các khó khăn, vướng mắc trong quá trình triển khai.

Thừa lệnh Chủ tịch Ủy ban nhân dân xã, Văn phòng HĐND và UBND xã thông báo để các phòng chuyên môn, đơn vị liên quan nghiêm túc triển khai thực hiện./.

Nơi nhận:

- Như thành phần dự họp;
- CT, các PCT UBND xã;
- Các phòng, đơn vị liên quan;
- Lưu: VT.

**TL. CHỦ TỊCH
CHÁNH VĂN PHÒNG**

Phạm Xuân Sinh"""

# A Kế hoạch with the full header: issuer on two lines, motto, underscores, italic date.
FULL_HEADER = """\
**ỦY BAN NHÂN DÂN**
**XÃ TÂN KỲ**
___________

**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**
**Độc lập – Tự do – Hạnh phúc**
______________________

Số: 45/KH-UBND

*Tân Kỳ, ngày 05 tháng 3 năm 2026*

**KẾ HOẠCH**

**Tuyên truyền cải cách hành chính năm 2026 trên địa bàn xã Tân Kỳ**

Thực hiện Kế hoạch số 12/KH-UBND ngày 10/01/2026 của UBND tỉnh Nghệ An về tuyên truyền cải cách hành chính năm 2026, UBND xã Tân Kỳ ban hành Kế hoạch tuyên truyền như sau:

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

Nâng cao nhận thức của cán bộ, công chức và người dân về cải cách hành chính, chuyển đổi số và Đề án 06.

2. Yêu cầu

Công tác tuyên truyền phải thường xuyên, liên tục, đúng định hướng; nội dung ngắn gọn, dễ hiểu.

II. NỘI DUNG TUYÊN TRUYỀN

1. Tuyên truyền các chủ trương của Đảng, chính sách, pháp luật của Nhà nước về cải cách hành chính.
2. Hướng dẫn người dân sử dụng dịch vụ công trực tuyến, tài khoản định danh điện tử VNeID.

III. TỔ CHỨC THỰC HIỆN

Giao Phòng Văn hóa - Xã hội chủ trì, phối hợp với các đơn vị liên quan triển khai thực hiện Kế hoạch này; định kỳ báo cáo kết quả về UBND xã./.

**Nơi nhận:**
- UBND tỉnh (b/c);
- TT Đảng ủy, TT HĐND xã;
- Lưu: VT, VHXH.

**KT. CHỦ TỊCH
PHÓ CHỦ TỊCH**

(Đã ký)

**Lê Thị Hoa**
"""

# A Công văn whose header and signature are two-column tables (as Word converters write them).
TABLE_HEADER = """\
| **UBND XÃ TÂN KỲ** | **CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM**<br>**Độc lập - Tự do - Hạnh phúc** |
|---|---|
| Số: 215/UBND-VHXH<br>V/v đẩy mạnh thanh toán trực tuyến phí, lệ phí TTHC | *Tân Kỳ, ngày 02 tháng 6 năm 2026* |

Kính gửi:
- Trung tâm Phục vụ hành chính công xã;
- Các thôn trên địa bàn xã.

Thực hiện chỉ đạo của UBND tỉnh về thanh toán trực tuyến, UBND xã đề nghị các đơn vị hướng dẫn người dân nộp phí, lệ phí qua Cổng Dịch vụ công quốc gia.

Các đơn vị báo cáo kết quả về UBND xã (qua Phòng Văn hóa - Xã hội) trước ngày 25/6/2026./.

| ***Nơi nhận:***<br>- Như trên;<br>- Lưu: VT, VHXH. | **TL. CHỦ TỊCH**<br>**CHÁNH VĂN PHÒNG**<br><br>**Nguyễn Văn Hải** |
"""

# A Quyết định laid out in two columns with wide spaces, its authority line after the subject.
DECISION = """\
UBND XÃ TÂN KỲ                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                                  Độc lập - Tự do - Hạnh phúc
Số: 18/QĐ-UBND                    Tân Kỳ, ngày 12 tháng 01 năm 2026

QUYẾT ĐỊNH
Về việc ban hành Kế hoạch cải cách hành chính năm 2026

CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN KỲ

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2026 của UBND xã Tân Kỳ.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.

Nơi nhận:
- Như Điều 2;
- Lưu: VT.

CHỦ TỊCH

(Đã ký)

NGUYỄN VĂN AN
"""

# An ordinary bulletin article (seed 001) that cites a Kế hoạch by number.
NEWS = """\
Xã Vạn An: Mô hình “Trung tâm Phục vụ hành chính công lưu động” - bước tiến mới trong chuyển đổi số của xã Vạn An

Ngày 22/4/2026, UBND xã Vạn An đã ban hành Kế hoạch số 625/KH-UBND về triển khai mô hình “Trung tâm Phục vụ hành chính công lưu động” trên địa bàn xã Vạn An.

Đưa dịch vụ công đến gần người dân

Thay vì người dân phải trực tiếp đến Trung tâm Phục vụ hành chính công (sau đây viết tắt là Trung tâm), mô hình được tổ chức định kỳ luân phiên tại các địa điểm dân cư thuận lợi, Nhà văn hóa xóm hoặc tại nhà của cá nhân tự nguyện.

Theo Báo cáo số 12/BC-UBND, trong tháng 5/2026 Trung tâm đã tiếp nhận 240 hồ sơ lưu động.

\t\t\t\t\t\t\t\t   Phòng VHXH Vạn An tổng hợp
"""

# The article body of seed 000 whose title is in capitals.
SECURITY_BODY = """\
Thực hiện các nhiệm vụ về chuyển đổi số, xây dựng chính quyền số và bảo đảm an toàn thông tin mạng trên địa bàn, UBND xã Tân Kỳ đã hoàn thành việc xây dựng hồ sơ đề xuất cấp độ an toàn hệ thống thông tin theo quy định của Chính phủ và các bộ, ngành liên quan.
Ngày 22/5/2026 tháng 5 năm 2026, Giám đốc Công an tỉnh Nghệ An đã ban hành Quyết định số 2562/QĐ-CAT-PA05 phê duyệt cấp độ an toàn hệ thống thông tin đối với “Hệ thống thông tin UBND xã Tân Kỳ”. Theo đó, hệ thống được xác định và phê duyệt ở Cấp độ 2, phù hợp với các quy định của pháp luật về bảo đảm an toàn hệ thống thông tin theo cấp độ.
Việc được phê duyệt cấp độ an toàn hệ thống thông tin là dấu mốc quan trọng, khẳng định sự quan tâm, chỉ đạo của cấp ủy, chính quyền địa phương trong công tác bảo đảm an toàn thông tin mạng.
Trong thời gian qua, cùng với việc đẩy mạnh cải cách hành chính, thực hiện Đề án 06 và chuyển đổi số, UBND xã Tân Kỳ đã quan tâm đầu tư hạ tầng công nghệ thông tin.
"""


def read(text: str) -> OfficialDoc:
    doc = read_official(text)
    assert doc is not None
    return doc


def headings(body: str) -> list[str]:
    return [line for line in body.split("\n") if line.startswith("#")]


# --- seed 003: Báo cáo ----------------------------------------------------------------------


def test_report_header_fields() -> None:
    doc = read(SEED_003)
    assert (doc.kind, doc.number, doc.place, doc.date) == (
        "Báo cáo", "119/BC-UBND", "Tân Kỳ", "tháng 5/2026",
    )
    assert doc.issuer == ""  # the seed lost its issuing body
    assert doc.signer == "Trịnh Huy Toàn"
    assert doc.title == (
        "Phân tích đánh giá những tồn tại, hạn chế, những tiêu chí, tiêu chí thành phần "
        "bị mất điểm trong chỉ số CCHC 2025"
    )


def test_report_source_names_the_commune_from_the_text() -> None:
    assert read(SEED_003).source == "Theo Báo cáo số 119/BC-UBND tháng 5/2026 của UBND xã Tân Kỳ"


def test_report_body_starts_with_first_paragraph_and_ends_with_last_sentence() -> None:
    body = read(SEED_003).body
    assert body.startswith("Thực hiện Công văn số 2624/SNV-CCHC&VTLT ngày 14/4/2026 của Sở Nội vụ")
    assert body.split("\n")[-1] == (
        "Trên đây là báo cáo phân tích đánh giá những tồn tại, hạn chế, những tiêu chí, tiêu chí "
        "thành phần bị mất điểm trong chỉ số CCHC 2025 của UBND xã Tân Kỳ."
    )
    for gone in ("Nơi nhận", "Lưu: VT", "Sở Nội vụ (b/c);", "TM. ỦY BAN", "PHÓ CHỦ TỊCH",
                 "Trịnh Huy Toàn", "Số: 119", "## BÁO CÁO", "./."):
        assert gone not in body


def test_report_headings_follow_the_numbering() -> None:
    assert headings(read(SEED_003).body) == [
        "## I. KẾT QUẢ XẾP HẠNG CCHC NĂM 2025",
        "### 1. Tổng quan về bảng tiêu chí đánh giá, xếp hạng CCHC cấp xã:",
        "### 2. Về chấm điểm chỉ số CCHC của xã Tân Kỳ",
        "## III. NHIỆM VỤ TRỌNG TÂM NĂM 2026",
        "### 1. Nhiệm vụ chung",
        "### 2. Nhiệm vụ cụ thể đối với các phòng, ban, đơn vị.",
        "#### 1. Phòng Văn hóa – Xã hội",  # the count restarts under "2.": one level deeper
    ]


def test_report_other_lines_are_kept_byte_for_byte() -> None:
    body = read(SEED_003).body.split("\n")
    assert "  - + Điểm chấm các tiêu chí thực hiện các nội dung công tác CCHC: 73,5 điểm." in body
    assert (
        "Năm 2025, xã Tân Kỳ đạt 61,85 điểm/73,5 điểm (bị trừ 11,65 điểm), xếp thứ 3/130 xã "
        "phường trong toàn tỉnh." in body
    )
    kept = [line for line in body if not line.startswith("#")]
    original = SEED_003.split("\n")
    assert all(line in original for line in kept[:-1])


def test_report_lists_what_was_removed() -> None:
    assert read(SEED_003).removed == (
        (3, HEADER), (7, KIND_SUBJECT), (39, RECIPIENTS), (50, SIGNATURE),
    )
    assert SEED_003.split("\n")[38] == "***Nơi nhận:***"
    assert (HEADER, RECIPIENTS, SIGNATURE) == (
        "phần đầu văn bản (quốc hiệu, số, ngày)", "Nơi nhận", "chữ ký",
    )


# --- seed 004: Thông báo --------------------------------------------------------------------


def test_notice_with_blank_number_and_day() -> None:
    doc = read(SEED_004)
    assert (doc.kind, doc.number, doc.place, doc.date, doc.issuer) == (
        "Thông báo", "", "Nghi Dương", "năm 2026", "",
    )
    assert doc.signer == "Phạm Xuân Sinh"
    assert doc.title.startswith(
        "Kết luận của Chủ tịch Ủy ban nhân dân xã tại hội nghị đánh giá bộ chỉ tiêu chấm điểm"
    )
    assert doc.title.endswith("giai đoạn 2026 - 2030 và những năm tiếp theo")


def test_notice_source_never_prints_an_empty_number_or_day() -> None:
    assert read(SEED_004).source == "Theo Thông báo năm 2026 của UBND xã Nghi Dương"


def test_notice_plain_numbered_lines_become_headings() -> None:
    doc = read(SEED_004)
    assert doc.body.startswith("Sáng ngày 29/6/2026, đồng chí Nguyễn Thanh Ngọc")
    assert headings(doc.body) == [
        "## I. VỀ CHUYỂN ĐỔI SỐ",
        "### 1. Đánh giá chung",
        "### 2. Nhiệm vụ cụ thể",
        "#### 2.1. Giao Phòng Văn hóa - Xã hội",
        "#### 2.6. Yêu cầu tất cả các phòng chuyên môn, đơn vị",
        "## II. VỀ XÂY DỰNG MÔ HÌNH CHỦ NGHĨA XÃ HỘI GẮN VỚI CON NGƯỜI XÃ HỘI CHỦ NGHĨA GIAI ĐOẠN 2026-2030",
        "### 1. Đánh giá chung",
        "## III. TỔ CHỨC THỰC HIỆN",
    ]


def test_notice_tail_is_removed() -> None:
    doc = read(SEED_004)
    lines = doc.body.split("\n")
    assert lines[-1].startswith("Thừa lệnh Chủ tịch Ủy ban nhân dân xã")
    assert lines[-1].endswith("nghiêm túc triển khai thực hiện.")
    assert "- Trưởng các phòng chuyên môn" in doc.body  # a list item, not a heading
    for gone in ("Nơi nhận", "Như thành phần dự họp", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG",
                 "Phạm Xuân Sinh", "THÔNG BÁO"):
        assert gone not in doc.body
    assert [desc for _, desc in doc.removed] == [HEADER, KIND_SUBJECT, RECIPIENTS, SIGNATURE]


# --- other layouts --------------------------------------------------------------------------


def test_full_header_names_the_issuer() -> None:
    doc = read(FULL_HEADER)
    assert doc.issuer == "UBND xã Tân Kỳ"
    assert (doc.kind, doc.number, doc.date, doc.signer) == (
        "Kế hoạch", "45/KH-UBND", "5/3/2026", "Lê Thị Hoa",
    )
    assert doc.title == "Tuyên truyền cải cách hành chính năm 2026 trên địa bàn xã Tân Kỳ"
    assert doc.source == "Theo Kế hoạch số 45/KH-UBND ngày 5/3/2026 của UBND xã Tân Kỳ"
    assert doc.removed == ((1, HEADER), (13, KIND_SUBJECT), (38, RECIPIENTS), (43, SIGNATURE))


def test_full_header_body() -> None:
    body = read(FULL_HEADER).body
    assert body.startswith("Thực hiện Kế hoạch số 12/KH-UBND ngày 10/01/2026")
    assert body.endswith("định kỳ báo cáo kết quả về UBND xã.")
    assert headings(body) == [
        "## I. MỤC ĐÍCH, YÊU CẦU",
        "### 1. Mục đích",
        "### 2. Yêu cầu",
        "## II. NỘI DUNG TUYÊN TRUYỀN",
        "## III. TỔ CHỨC THỰC HIỆN",
    ]
    # numbered lines one after the other are a list, not headings
    assert "\n1. Tuyên truyền các chủ trương của Đảng" in body
    for gone in ("CỘNG HÒA", "Độc lập", "___", "Số: 45", "KẾ HOẠCH**", "(Đã ký)", "Lê Thị Hoa"):
        assert gone not in body


def test_table_header_and_signature() -> None:
    doc = read(TABLE_HEADER)
    assert (doc.kind, doc.number, doc.date, doc.issuer, doc.signer) == (
        "Công văn", "215/UBND-VHXH", "2/6/2026", "UBND xã Tân Kỳ", "Nguyễn Văn Hải",
    )
    assert doc.title == "Đẩy mạnh thanh toán trực tuyến phí, lệ phí TTHC"
    assert doc.source == "Theo Công văn số 215/UBND-VHXH ngày 2/6/2026 của UBND xã Tân Kỳ"
    assert doc.body == (
        "Thực hiện chỉ đạo của UBND tỉnh về thanh toán trực tuyến, UBND xã đề nghị các đơn vị "
        "hướng dẫn người dân nộp phí, lệ phí qua Cổng Dịch vụ công quốc gia.\n\n"
        "Các đơn vị báo cáo kết quả về UBND xã (qua Phòng Văn hóa - Xã hội) trước ngày 25/6/2026."
    )
    assert doc.removed == ((1, HEADER), (3, KIND_SUBJECT), (13, RECIPIENTS), (13, SIGNATURE))


def test_decision_in_two_columns() -> None:
    doc = read(DECISION)
    assert (doc.kind, doc.number, doc.place, doc.date, doc.issuer, doc.signer) == (
        "Quyết định", "18/QĐ-UBND", "Tân Kỳ", "12/1/2026", "UBND xã Tân Kỳ", "Nguyễn Văn An",
    )
    assert doc.title == "Ban hành Kế hoạch cải cách hành chính năm 2026"
    assert doc.body.startswith("Căn cứ Luật Tổ chức chính quyền địa phương")
    assert doc.body.endswith("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")
    assert "QUYẾT ĐỊNH:" in doc.body and "CHỦ TỊCH ỦY BAN" not in doc.body
    assert doc.source == "Theo Quyết định số 18/QĐ-UBND ngày 12/1/2026 của UBND xã Tân Kỳ"


def test_kind_line_carrying_its_subject() -> None:
    doc = read(
        "Số: 07/BC-UBND\n\nBÁO CÁO KẾT QUẢ CÔNG TÁC CẢI CÁCH HÀNH CHÍNH QUÝ I NĂM 2026\n\n"
        "Trong quý I, xã Tân Kỳ tiếp nhận 1.250 hồ sơ, giải quyết đúng hạn 100%./.\n"
    )
    assert doc.kind == "Báo cáo"
    assert doc.title == "Kết quả công tác cải cách hành chính quý I năm 2026"
    assert doc.body == "Trong quý I, xã Tân Kỳ tiếp nhận 1.250 hồ sơ, giải quyết đúng hạn 100%."
    assert doc.source == "Theo Báo cáo số 07/BC-UBND"


CONCLUSION = """\
Số: 30/TB-UBND

Tân Kỳ, ngày 3 tháng 4 năm 2026

THÔNG BÁO KẾT LUẬN

Của Chủ tịch UBND xã tại buổi làm việc với Trung tâm Phục vụ hành chính công

Ngày 2/4/2026, đồng chí Chủ tịch UBND xã làm việc với Trung tâm Phục vụ hành chính công.

Đề nghị Trung tâm tiếp tục rút ngắn thời gian giải quyết hồ sơ./.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

/

Trịnh Huy Toàn

Nơi nhận:
- Trung tâm PVHCC;
- Lưu: VT.
"""


def test_signature_before_recipients_and_kind_with_subject_following() -> None:
    for text in (CONCLUSION, CONCLUSION.replace("\n", "\r\n")):
        doc = read(text)
        assert doc.kind == "Thông báo"
        assert doc.title == (
            "Kết luận của Chủ tịch UBND xã tại buổi làm việc với Trung tâm Phục vụ hành chính công"
        )
        assert doc.signer == "Trịnh Huy Toàn"
        assert doc.source == "Theo Thông báo số 30/TB-UBND ngày 3/4/2026 của UBND xã Tân Kỳ"
        assert doc.body.split("\n")[-1] == (
            "Đề nghị Trung tâm tiếp tục rút ngắn thời gian giải quyết hồ sơ."
        )
        assert doc.removed == ((1, HEADER), (5, KIND_SUBJECT), (13, SIGNATURE), (20, RECIPIENTS))


def test_department_under_a_province_and_addressees() -> None:
    doc = read(
        "UBND TỈNH NGHỆ AN\nSỞ NỘI VỤ\n\nSố: 2624/SNV-CCHC&VTLT\n"
        "V/v phân tích, đánh giá Chỉ số CCHC năm 2025\n\n"
        "Nghệ An, ngày 14 tháng 4 năm 2026\n\nKính gửi: UBND các xã, phường.\n\n"
        "Sở Nội vụ đề nghị UBND các xã, phường tổ chức phân tích, đánh giá Chỉ số CCHC năm 2025.\n"
    )
    assert (doc.issuer, doc.kind, doc.place) == ("Sở Nội vụ tỉnh Nghệ An", "Công văn", "Nghệ An")
    assert doc.title == "Phân tích, đánh giá Chỉ số CCHC năm 2025"
    assert doc.body == (
        "Sở Nội vụ đề nghị UBND các xã, phường tổ chức phân tích, đánh giá Chỉ số CCHC năm 2025."
    )
    assert doc.source == (
        "Theo Công văn số 2624/SNV-CCHC&VTLT ngày 14/4/2026 của Sở Nội vụ tỉnh Nghệ An"
    )


# --- not official documents -----------------------------------------------------------------


def test_news_article_is_not_an_official_document() -> None:
    assert read_official(NEWS) is None


def test_one_sign_is_not_enough() -> None:
    text = "Số: 12/BC-UBND\n\nNgày 22/4/2026, UBND xã Vạn An tổ chức hội nghị triển khai kế hoạch.\n"
    assert read_official(text) is None
    assert read_official("") is None


# --- casing ---------------------------------------------------------------------------------


def test_sentence_case_restores_names_from_the_body() -> None:
    title = "UBND XÃ TÂN KỲ ĐƯỢC PHÊ DUYỆT CẤP ĐỘ AN TOÀN HỆ THỐNG THÔNG TIN"
    assert sentence_case(title, SECURITY_BODY) == (
        "UBND xã Tân Kỳ được phê duyệt cấp độ an toàn hệ thống thông tin"
    )
    assert sentence_case("ĐẨY MẠNH THỰC HIỆN ĐỀ ÁN 06 TẠI TỈNH NGHỆ AN", SECURITY_BODY) == (
        "Đẩy mạnh thực hiện Đề án 06 tại tỉnh Nghệ An"
    )


def test_sentence_case_keeps_acronyms_and_numbers() -> None:
    assert sentence_case("TĂNG CƯỜNG ỨNG DỤNG CNTT VÀ VNEID TRONG GIẢI QUYẾT TTHC") == (
        "Tăng cường ứng dụng CNTT và VNeID trong giải quyết TTHC"
    )
    assert sentence_case("HĐND XÃ THÔNG QUA NGHỊ QUYẾT SỐ 12/NQ-HĐND VỀ AI") == (
        "HĐND xã thông qua nghị quyết số 12/NQ-HĐND về AI"
    )
    assert sentence_case("KẾT QUẢ CÔNG TÁC CCHC QUÝ I NĂM 2026") == (
        "Kết quả công tác CCHC quý I năm 2026"
    )


def test_sentence_case_short_capitals_from_the_body() -> None:
    body = "Hai bên ký biên bản ghi nhớ (MOU) về chuyển đổi số."
    assert sentence_case("KÝ KẾT MOU VỚI VNPT", body) == "Ký kết MOU với VNPT"
    assert sentence_case("KÝ KẾT MOU VỚI VNPT") == "Ký kết mou với VNPT"


def test_sentence_case_ignores_capitals_at_sentence_start() -> None:
    body = "Hội nghị diễn ra tại xã Vạn An. Đại biểu thảo luận sôi nổi."
    assert sentence_case("XÃ VẠN AN TỔ CHỨC HỘI NGHỊ ĐẠI BIỂU", body) == (
        "Xã Vạn An tổ chức hội nghị đại biểu"
    )


def test_sentence_case_is_nfc() -> None:
    import unicodedata

    title = unicodedata.normalize("NFD", "XÃ TÂN KỲ")
    assert sentence_case(title, "tại xã Tân Kỳ.") == "Xã Tân Kỳ"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("UBND XÃ TÂN KỲ", True),
        ("## **I. KẾT QUẢ XẾP HẠNG CCHC NĂM 2025**", True),
        ("UBND xã Tân Kỳ", False),
        ("I.", False),
        ("Số: 119/BC-UBND", False),
    ],
)
def test_is_all_caps(line: str, expected: bool) -> None:
    assert is_all_caps(line) is expected


# --- demote_headings ------------------------------------------------------------------------


def test_demote_headings_shifts_to_top() -> None:
    assert demote_headings("# A\n\ntext\n\n## B") == "## A\n\ntext\n\n### B"
    assert demote_headings("#### A\n##### B") == "## A\n### B"
    assert demote_headings("# A\n### B", top=5) == "##### A\n###### B"
    assert demote_headings("no headings\n#hashtag") == "no headings\n#hashtag"


def test_demote_headings_leaves_fenced_code() -> None:
    text = "# A\n```\n# not a heading\n```\n## B"
    assert demote_headings(text) == "## A\n```\n# not a heading\n```\n### B"
