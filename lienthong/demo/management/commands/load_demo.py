from django.core.management.base import BaseCommand, CommandError

from lienthong.core.errors import DomainError
from lienthong.demo.builder import load_demo


class Command(BaseCommand):
    help = "Nạp tỉnh mẫu Hậu Giang (2018): cơ quan, tài khoản và văn bản. Chạy lại nhiều lần vẫn an toàn."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="Tỷ lệ số văn bản sinh thêm (0–1); danh bạ cơ quan và tài khoản luôn đầy đủ.")
        parser.add_argument("--fast-pdfs", action="store_true",
                            help="Tệp PDF một dòng thay cho bản trình bày đầy đủ (dùng khi kiểm thử).")

    def handle(self, *args, scale, fast_pdfs, verbosity, **options):
        log = self.stdout.write if verbosity > 1 else (lambda _msg: None)
        try:
            result = load_demo(scale=scale, fast_pdfs=fast_pdfs, log=log)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if not result.created_anything:
            self.stdout.write(f"Dữ liệu mẫu đã đầy đủ, không có gì thay đổi ({result.seconds:.1f} giây).")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Đã nạp dữ liệu mẫu trong {result.seconds:.1f} giây: {result.agencies_created} cơ quan, "
            f"{result.users_created} tài khoản, {result.outgoing_created} văn bản đi, "
            f"{result.incoming_created} văn bản đến, {result.files_attached} tệp đính kèm."))
