from django.core.management.base import BaseCommand

from lienthong.demo.pki import DEMO_PIN, ensure_demo_pki


class Command(BaseCommand):
    help = ("Tạo CA thử nghiệm (không có giá trị pháp lý), chứng thư số và ảnh chữ ký / con dấu cho lãnh đạo "
            "và cơ quan của tỉnh mẫu (mã PIN 123456). Chạy lại nhiều lần vẫn an toàn.")

    def handle(self, *args, verbosity, **options):
        log = self.stdout.write if verbosity > 1 else (lambda _msg: None)
        result = ensure_demo_pki(log=log)
        if not (result.personal_created or result.agency_created or result.trusted_created or result.crl_created):
            self.stdout.write(f"Chứng thư thử nghiệm đã đầy đủ, không có gì thay đổi ({result.seconds:.1f} giây).")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Đã tạo chứng thư thử nghiệm trong {result.seconds:.1f} giây: {result.personal_created} chữ ký số cá "
            f"nhân, {result.agency_created} chữ ký số cơ quan (mã PIN {DEMO_PIN}), {result.trusted_created} chứng "
            f"thư CA đưa vào danh sách tin cậy{', CRL mới' if result.crl_created else ''}."))
