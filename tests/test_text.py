from bantin.text import NBSP, closest, format_count, keep_together, slugify


def test_slug_drops_diacritics_and_maps_d() -> None:
    assert slugify("Xã Tân Kỳ: Hội nghị chuyên đề") == "xa-tan-ky-hoi-nghi-chuyen-de"
    assert slugify("Đẩy nhanh việc kết nối, liên thông") == "day-nhanh-viec-ket-noi-lien-thong"
    assert slugify("ĐƯỜNG ĐẾN 2026") == "duong-den-2026"


def test_slug_of_decomposed_text_equals_composed() -> None:
    import unicodedata

    title = "Phường Trường Vinh: Ứng dụng trí tuệ nhân tạo"
    assert slugify(unicodedata.normalize("NFD", title)) == slugify(title)


def test_slug_is_cut_at_a_word_boundary() -> None:
    slug = slugify("Xã Tân Châu: triển khai Chiến dịch Ngày thứ Bảy vì dân trực tiếp từng xóm "
                   "trên địa bàn xã để tuyên truyền", max_length=40)
    assert len(slug) <= 40 and not slug.endswith("-")
    assert slug.startswith("xa-tan-chau-trien-khai")


def test_numbers_keep_their_units() -> None:
    assert keep_together("với 3.118 hồ sơ, đạt 99,77 %") == f"với 3.118{NBSP}hồ{NBSP}sơ, đạt 99,77{NBSP}%"
    assert keep_together("Bản tin Số 18") == f"Bản tin Số{NBSP}18"
    # Document numbers get word joiners (tests/test_print_details.py), nothing visible.
    assert keep_together("Nghị quyết 57-NQ/TW").replace("\u2060", "") == "Nghị quyết 57-NQ/TW"


def test_closest_suggests_known_keys() -> None:
    assert closest("tittle", ["title", "issue", "year"]) == "title"
    assert closest("comune", ["commune", "section"]) == "commune"
    assert closest("zzz", ["title"]) is None


def test_format_count_uses_dot_thousands() -> None:
    assert format_count(2600) == "2.600"
