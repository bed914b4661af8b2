from django.core.management.base import BaseCommand, CommandError

from lienthong.audit.services import audit_verify


class Command(BaseCommand):
    help = "Recompute the audit log's hash chains and report any tampering."

    def handle(self, *args, **options):
        checked, problems = audit_verify()
        for p in problems:
            self.stderr.write(f"{p.chain} #{p.seq}: {p.reason}")
        if problems:
            raise CommandError(f"Audit log tampered: {len(problems)} problem(s) in {checked} entries")
        self.stdout.write(f"Audit log intact: {checked} entries checked")
