"""The generated corpus of the judged query set (bench/relevance.py).

Document shapes follow the Decree 30 layout (Quốc hiệu, Tiêu ngữ, "Số: …", place and date line, type
name, trích yếu, body, "Nơi nhận:" with its list, "Lưu: VT…", signer); every body and recipient list
is written here for tests, from the sentences below, never copied from a real document. The same seed
gives the same corpus on both databases.

Each document is described by a ``Spec``: what it is about (``topic``), which other topic it only
mentions in a sentence of its body (``mentions``), its type, issuer, signer and số/ký hiệu. The
judgments in ``queries.py`` are rules over these attributes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# key -> (phrase as written in subjects, body sentences about the topic)
TOPICS: dict[str, tuple[str, list[str]]] = {
    "chu_ky_so": ("sử dụng chữ ký số chuyên dùng", [
        "Các cơ quan sử dụng chữ ký số chuyên dùng Chính phủ khi gửi, nhận văn bản điện tử.",
        "Văn thư cơ quan ký số văn bản đi bằng chữ ký số của cơ quan, tổ chức."]),
    "cai_cach": ("đẩy mạnh cải cách hành chính", [
        "Tiếp tục đẩy mạnh cải cách hành chính, trọng tâm là cải cách thủ tục hành chính.",
        "Kết quả chỉ số cải cách hành chính của tỉnh được công bố hằng năm."]),
    "nong_thon": ("xây dựng nông thôn mới", [
        "Các xã tập trung nguồn lực xây dựng nông thôn mới nâng cao.",
        "Bộ tiêu chí quốc gia về xây dựng nông thôn mới được áp dụng thống nhất."]),
    "thien_tai": ("phòng, chống thiên tai và tìm kiếm cứu nạn", [
        "Chủ động phương án phòng, chống thiên tai, sạt lở bờ sông trong mùa mưa.",
        "Lực lượng tìm kiếm cứu nạn trực 24/24 giờ."]),
    "giai_phong": ("bồi thường, giải phóng mặt bằng dự án", [
        "Công tác bồi thường, giải phóng mặt bằng phải bảo đảm quyền lợi của người dân.",
        "Hội đồng bồi thường lập phương án giải phóng mặt bằng."]),
    "ngan_sach": ("dự toán ngân sách nhà nước", [
        "Xây dựng dự toán ngân sách nhà nước theo đúng quy định của Luật Ngân sách.",
        "Các đơn vị lập dự toán thu, chi ngân sách và gửi cơ quan tài chính cùng cấp."]),
    "tiem_chung": ("tiêm chủng mở rộng", [
        "Tổ chức tiêm chủng mở rộng cho trẻ em dưới một tuổi.",
        "Trạm y tế xã bảo quản vắc xin theo hướng dẫn của ngành y tế."]),
    "tuyen_sinh": ("tuyển sinh vào lớp 10", [
        "Kỳ thi tuyển sinh vào lớp 10 được tổ chức nghiêm túc, đúng quy chế.",
        "Học sinh đăng ký nguyện vọng trên hệ thống tuyển sinh trực tuyến."]),
    "moi_truong": ("xử lý ô nhiễm môi trường", [
        "Kiểm tra các cơ sở gây ô nhiễm môi trường nghiêm trọng.",
        "Xử lý nước thải sinh hoạt trước khi xả ra kênh, rạch."]),
    "giao_thong": ("bảo đảm trật tự an toàn giao thông", [
        "Tăng cường tuần tra, kiểm soát bảo đảm trật tự an toàn giao thông.",
        "Xử lý nghiêm người điều khiển phương tiện vi phạm nồng độ cồn."]),
    "van_thu": ("kiểm tra công tác văn thư, lưu trữ", [
        "Đoàn kiểm tra công tác văn thư, lưu trữ tại các cơ quan, đơn vị.",
        "Hồ sơ, tài liệu được chỉnh lý và nộp lưu vào Lưu trữ lịch sử."]),
    "so_hoa": ("số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", [
        "Thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại bộ phận một cửa.",
        "Dữ liệu số hóa được kết nối với cơ sở dữ liệu quốc gia."]),
    "so_do": ("cấp sổ đỏ cho hộ gia đình", [
        "Đẩy nhanh tiến độ cấp sổ đỏ cho hộ gia đình, cá nhân.",
        "Giấy chứng nhận quyền sử dụng đất được trao tận tay người dân."]),
    "chu_quyen": ("tuyên truyền chủ quyền biển, đảo", [
        "Tuyên truyền về chủ quyền biển, đảo trong cán bộ, đoàn viên.",
        "Cuộc thi tìm hiểu về biển, đảo Việt Nam thu hút đông đảo người tham gia."]),
    "thi_dua": ("khen thưởng phong trào thi đua", [
        "Khen thưởng tập thể, cá nhân có thành tích xuất sắc trong phong trào thi đua.",
        "Hội đồng thi đua, khen thưởng xét đề nghị của các đơn vị."]),
    "tham_nhung": ("phòng, chống tham nhũng, tiêu cực", [
        "Thực hiện nghiêm công tác phòng, chống tham nhũng, tiêu cực.",
        "Kê khai tài sản, thu nhập theo quy định."]),
    "dich_vu_cong": ("cung cấp dịch vụ công trực tuyến toàn trình", [
        "Tăng tỷ lệ hồ sơ nộp qua dịch vụ công trực tuyến toàn trình.",
        "Cổng dịch vụ công của tỉnh kết nối với Cổng Dịch vụ công quốc gia."]),
    "tai_chinh_cong": ("công khai tài chính của đơn vị dự toán", [
        "Thực hiện công khai tài chính đối với các đơn vị dự toán ngân sách.",
        "Báo cáo quyết toán được niêm yết tại trụ sở đơn vị."]),
}

# Sentences whose syllables, taken one by one, match the queries of other topics without being about them:
# "chủ động", "định kỳ", "số liệu" scatter "chu … ky … so"; "chính quyền" and "tài nguyên" scatter "tai chinh".
FILLER = [
    "Các đơn vị chủ động rà soát, báo cáo định kỳ số liệu về Văn phòng trước ngày 20 hằng tháng.",
    "Chính quyền địa phương phối hợp chặt chẽ với các sở, ngành trong quá trình thực hiện.",
    "Quản lý, khai thác hợp lý tài nguyên, bảo đảm hiệu quả và tiết kiệm.",
    "Giao Chủ tịch Ủy ban nhân dân các huyện ký kết quy chế phối hợp, quy định cụ thể trách nhiệm.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời phản ánh bằng văn bản.",
    "Thời gian thực hiện: từ ngày ký đến hết năm; kinh phí do ngân sách cấp huyện bảo đảm.",
    "Sở Tài nguyên và Môi trường chủ trì, hướng dẫn việc quản lý hồ sơ địa chính.",
    "Tổng hợp số lượng hồ sơ tiếp nhận, trả kết quả đúng hạn, quá hạn trong kỳ báo cáo.",
    "Các đơn vị dự kiến kinh phí thực hiện, gửi Văn phòng tổng hợp trình cấp có thẩm quyền quyết định.",
]


@dataclass(frozen=True)
class Issuer:
    key: str
    name: str
    abbreviation: str
    signer_position: str


ISSUERS = [
    Issuer("ubnd", "Ủy ban nhân dân tỉnh Hậu Giang", "UBND", "Chủ tịch"),
    Issuer("stc", "Sở Tài chính tỉnh Hậu Giang", "STC", "Giám đốc"),
    Issuer("stnmt", "Sở Tài nguyên và Môi trường tỉnh Hậu Giang", "STNMT", "Giám đốc"),
    Issuer("stttt", "Sở Thông tin và Truyền thông tỉnh Hậu Giang", "STTTT", "Giám đốc"),
    Issuer("sgddt", "Sở Giáo dục và Đào tạo tỉnh Hậu Giang", "SGDĐT", "Giám đốc"),
    Issuer("syt", "Sở Y tế tỉnh Hậu Giang", "SYT", "Giám đốc"),
    Issuer("snv", "Sở Nội vụ tỉnh Hậu Giang", "SNV", "Giám đốc"),
    Issuer("huyen", "Ủy ban nhân dân huyện Vị Thủy", "UBND", "Chủ tịch"),
]
# Which issuers write about which topic (the first is the most frequent).
TOPIC_ISSUERS = {
    "chu_ky_so": ["stttt", "ubnd", "snv"], "cai_cach": ["snv", "ubnd", "huyen"], "nong_thon": ["ubnd", "huyen"],
    "thien_tai": ["ubnd", "huyen"], "giai_phong": ["stnmt", "huyen", "ubnd"], "ngan_sach": ["stc", "ubnd", "huyen"],
    "tiem_chung": ["syt", "huyen"], "tuyen_sinh": ["sgddt", "ubnd"], "moi_truong": ["stnmt", "huyen"],
    "giao_thong": ["ubnd", "huyen"], "van_thu": ["snv", "ubnd"], "so_hoa": ["stttt", "huyen", "ubnd"],
    "so_do": ["stnmt", "huyen"], "chu_quyen": ["ubnd", "huyen"], "thi_dua": ["snv", "ubnd"],
    "tham_nhung": ["ubnd", "huyen"], "dich_vu_cong": ["stttt", "ubnd"], "tai_chinh_cong": ["stc", "huyen"],
}
# (type code, type name, abbreviation in số/ký hiệu, how a subject of that type begins)
TYPES = [
    ("quyet-dinh", "Quyết định", "QĐ", "Về việc phê duyệt kế hoạch"),
    ("ke-hoach", "Kế hoạch", "KH", "Triển khai"),
    ("bao-cao", "Báo cáo", "BC", "Kết quả thực hiện"),
    ("to-trinh", "Tờ trình", "TTr", "Đề nghị ban hành Quyết định về"),
    ("cong-van", "Công văn", "", "Về việc"),
    ("thong-bao", "Thông báo", "TB", "Kết luận cuộc họp về"),
]
SIGNERS = ["Đồng Văn Thanh", "Trần Văn Huyến", "Lê Tiến Châu", "Nguyễn Hoàng Thoại", "Trương Cảnh Tuyên",
           "Huỳnh Thanh Tạo", "Phạm Thị Ngọc Hân", "Võ Minh Trí", "Nguyễn Văn Số", "Lê Thị Chữ"]
RECIPIENTS = ["Bộ Thông tin và Truyền thông", "Thường trực Tỉnh ủy", "Thường trực HĐND tỉnh", "Sở Tài chính",
              "Sở Tài nguyên và Môi trường", "Sở Nội vụ", "UBND các huyện, thị xã, thành phố",
              "Các sở, ban, ngành tỉnh"]


@dataclass
class Spec:
    key: str  # "d001"
    topic: str
    type_code: str
    issuer: str
    signer: str
    number: int
    year: int
    mentions: list[str] = field(default_factory=list)
    subject: str = ""
    body: str = ""

    @property
    def type_name(self) -> str:
        return next(t[1] for t in TYPES if t[0] == self.type_code)

    @property
    def number_symbol(self) -> str:
        abbr = next(t[2] for t in TYPES if t[0] == self.type_code)
        issuer = next(i for i in ISSUERS if i.key == self.issuer)
        if abbr:
            return f"{self.number:02d}/{abbr}-{issuer.abbreviation}"
        return f"{self.number:02d}/{issuer.abbreviation}-VP"


def _layout(spec: Spec, issuer: Issuer, rng: random.Random, paragraphs: list[str]) -> str:
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    recipients = rng.sample(RECIPIENTS, 3)
    return "\n".join([
        issuer.name.upper(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {spec.number_symbol}",
        f"Hậu Giang, ngày {day:02d} tháng {month:02d} năm {spec.year}",
        spec.type_name.upper(),
        spec.subject,
        *paragraphs,
        "Nơi nhận:",
        *[f"- {r};" for r in recipients],
        "- Lưu: VT, TH.",
        f"KT. {issuer.signer_position.upper()}",
        f"PHÓ {issuer.signer_position.upper()}",
        spec.signer,
    ])


PER_TOPIC = 6
FILLER_DOCUMENTS = 90


def generate(seed: int = 17) -> list[Spec]:
    """About 200 documents: for every topic ``PER_TOPIC`` documents of several types and issuers, some of which
    mention another topic in one sentence; then documents of filler sentences only, whose syllables scatter
    over several queries."""
    rng = random.Random(seed)
    issuers = {i.key: i for i in ISSUERS}
    specs: list[Spec] = []
    numbers: dict[str, int] = {}

    def add(topic: str, type_code: str, issuer_key: str, mentions: list[str], subject: str, sentences: list[str]):
        numbers[type_code] = numbers.get(type_code, 0) + rng.randint(1, 9)
        spec = Spec(key=f"d{len(specs) + 1:03d}", topic=topic, type_code=type_code, issuer=issuer_key,
                    signer=rng.choice(SIGNERS), number=numbers[type_code], year=rng.choice([2023, 2024, 2025]),
                    mentions=mentions, subject=subject)
        spec.body = _layout(spec, issuers[issuer_key], rng, sentences)
        specs.append(spec)

    topic_keys = list(TOPICS)
    for topic in topic_keys:
        phrase, sentences = TOPICS[topic]
        for i in range(PER_TOPIC):
            type_code, _name, _abbr, opening = TYPES[i % len(TYPES)]
            issuer = TOPIC_ISSUERS[topic][i % len(TOPIC_ISSUERS[topic])]
            mentions = [rng.choice([t for t in topic_keys if t != topic])] if i % 3 == 2 else []
            body = [f"{opening} {phrase}."] + sentences + rng.sample(FILLER, 3)
            for other in mentions:
                body.append(f"Lồng ghép nội dung {TOPICS[other][0]} trong quá trình thực hiện.")
            add(topic, type_code, issuer, mentions, f"{opening} {phrase}", body)
    for i in range(FILLER_DOCUMENTS):
        type_code, _name, _abbr, opening = TYPES[i % len(TYPES)]
        issuer = ISSUERS[i % len(ISSUERS)].key
        add("", type_code, issuer, [], f"{opening} công tác tháng {i % 12 + 1}", rng.sample(FILLER, 6))
    return specs
