"""``manage.py exchange push|pull|status|directory``: the gateway by hand (the schedules run push and pull)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lienthong.core.errors import ValidationFailed
from lienthong.exchange import directory, selectors, services
from lienthong.exchange.models import Partner


class Command(BaseCommand):
    help = "Gửi (push), nhận (pull) gói tin liên thông, xem số gói tin theo trạng thái (status), nạp danh mục."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["push", "pull", "status", "directory"])
        parser.add_argument("--partner", help="mã hệ thống đối tác (system_id); mặc định: tất cả")
        parser.add_argument("--file", help="directory: tệp CSV/XLSX (identifier_code, name)")

    def handle(self, *args, action: str, partner: str | None = None, file: str | None = None, **options):
        partner_ids = None
        if partner:
            row = Partner.objects.filter(system_id=partner).first()
            if row is None:
                raise CommandError(f"Không có đối tác {partner!r}.")
            partner_ids = [row.pk]
        if action == "push":
            self._print(asdict(services.push(partner_ids=partner_ids)))
        elif action == "pull":
            self._print(asdict(services.pull(partner_ids=partner_ids)))
        elif action == "directory":
            try:
                if file:
                    counts = directory.directory_import(data=Path(file).read_bytes())
                elif partner_ids:
                    counts = directory.directory_fetch(partner=Partner.objects.get(pk=partner_ids[0]))
                else:
                    raise CommandError("Cần --file hoặc --partner.")
            except ValidationFailed as exc:
                raise CommandError("; ".join(m for ms in exc.errors.values() for m in ms)) from exc
            self._print(counts)
        else:
            counts = selectors.status_counts()
            self.stdout.write("Gửi đi: " + self._line(counts["outbound"]))
            self.stdout.write("Nhận về: " + self._line(counts["inbound"]))
            for name, states in counts["partners"].items():
                self.stdout.write(f"  {name}: " + self._line(states))

    def _print(self, counts: dict) -> None:
        self.stdout.write(self._line(counts))

    @staticmethod
    def _line(counts: dict) -> str:
        return ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "0"
