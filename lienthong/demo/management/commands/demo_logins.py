from django.core.management.base import BaseCommand

from lienthong.accounts.models import User
from lienthong.demo.logins import console_text, readme_markdown


class Command(BaseCommand):
    help = "In danh sách tài khoản mẫu (--markdown: mục “Demo logins” của README)."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="In dạng Markdown cho README.md.")

    def handle(self, *args, markdown, **options):
        if markdown:
            self.stdout.write(readme_markdown(), ending="")
            return
        self.stdout.write(console_text())
        if not User.objects.filter(username="vanthu.vpubnd").exists():
            self.stderr.write("Chưa nạp dữ liệu mẫu: chạy “python manage.py load_demo” trước.")
