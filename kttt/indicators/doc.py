"""The indicator catalogue as Markdown (``docs/indicators.md`` is generated from it).

>>> "| htx_thanh_lap_moi | Số HTX thành lập mới |" in markdown()
True
"""

from __future__ import annotations

from kttt.indicators.registry import REGISTRY


def markdown() -> str:
    lines = [
        "# Danh mục chỉ tiêu (kttt)",
        "",
        "Sinh tự động từ `kttt.indicators.registry` (`python -m kttt.indicators.doc > docs/indicators.md`);",
        "một bài kiểm thử giữ tệp này khớp với mã nguồn.",
        "",
        "Quần thể năm Y (ảnh chụp tại ngày số liệu: 31/12/Y, hoặc ngày trong `nam.yaml` của năm ước thực hiện;",
        "«trong năm» = từ 01/01/Y đến ngày số liệu): **HTX hiện có** = loại hình htx, qtdnd và tình trạng ≠ giải thể;",
        "**HTX đang hoạt động** = hiện có và đang hoạt động; **THT hiện có** = đang hoạt động. Liên hiệp HTX không",
        "bao giờ tính vào số HTX. Quần thể rỗng: chỉ tiêu đếm và tổng của trường bắt buộc bằng 0; bình quân, tỷ lệ",
        "và tổng của trường không bắt buộc không có giá trị (hiển thị «–»).",
        "",
        "| mã | tên | tên tiếng Anh | đơn vị | công thức | quần thể | rỗng → 0 |",
        "|---|---|---|---|---|---|---|",
    ]
    for code, ind in REGISTRY.items():
        m = ind.meta
        lines.append(f"| {code} | {m.name_vi} | {m.name_en} | {m.unit} | {m.formula} | {m.population} | "
                     f"{'có' if ind.zero_when_empty else 'không'} |")
    lines += ["", "## Địa bàn, cấp và năm trước", "",
              "Mỗi chỉ tiêu có một dòng cho toàn tỉnh (`dia_ban` = `toan_tinh`, `cap_dia_ban` = `tinh`), cho mỗi",
              "lĩnh vực, và cho mỗi đơn vị còn hiệu lực tại ngày số liệu ở mọi cấp sổ có ghi: `tinh_cu` (tỉnh cũ,",
              "các năm trước khi hợp nhất), `huyen` (trước 01/07/2025), `xa`. Giá trị năm trước (`gia_tri_nam_truoc`)",
              "luôn tính trên địa giới năm nay: dòng sổ năm trước được đặt vào đơn vị năm nay theo xã (qua",
              "`chuyen_doi_dvhc.csv`), hoặc theo huyện khi mọi xã của huyện về một đơn vị; đơn vị có dòng không đặt",
              "được để trống năm trước và `ghi_chu` nêu số dòng; toàn tỉnh luôn đúng; năm đầu không có năm trước.",
              "", "## Làm tròn", "",
              "Làm tròn khi hiển thị: tối đa một chữ số thập phân, làm tròn nửa về số chẵn trên giá trị đúng,",
              "bỏ chữ số thập phân 0 (97/80 → 121,2%; 627/300 → 209%). Bình quân từ một tỷ đồng trở lên đọc",
              "theo tỷ đồng (2.100 → 2,1 tỷ đồng), dưới đó theo triệu đồng.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
