"""The export package of a case file (gói hồ sơ) and its independent check, without Django or the database.

A package is a folder (or the same tree in a ZIP) that carries a closed hồ sơ to the agency archive or the
historical archive (Lưu trữ lịch sử, PL6 §III "connectivity"):

- ``hoso.xml``: the hồ sơ metadata of NĐ30 Phụ lục VI Part II §III (FileCode, Title, Maintenance, Rights,
  Creator, Language, StartDate, EndDate, DocTotal, PageTotal, Description, with OrganId, FileCatalog and
  FileNotation) and, for each document in time order, its metadata (Part II §I/§II: DocOrdinal, TypeName,
  CodeNumber, CodeNotation, IssuedDate, OrganName, Subject, Language, PageAmount, Description, SignerInfo,
  Priority, DueDate, …) and the originals it carries (path, SHA-256, size);
- ``tai-lieu/NNN/<name>``: the originals of document NNN, byte for byte;
- ``manifest-sha256.txt``: one line ``<sha256>  <path>`` for every other file of the package.

``verify_package`` reads a folder or a ZIP and lists every problem: a file listed but missing, a file present
but not listed, a checksum that differs, metadata that contradicts itself or the manifest. It imports nothing
of the project beyond the standard library and lxml, so an archive can run it on a machine with no database
(``manage.py verify_package DIR``). Field names follow vanthu.md §4.3 (the Lưu trữ / edXML names).
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET  # noqa: N817 - writing only; reading goes through lxml's safe parser

MANIFEST = "manifest-sha256.txt"
METADATA = "hoso.xml"
DOCUMENTS_DIR = "tai-lieu"
NAMESPACE = "urn:lienthong:hoso:1"
MAX_MEMBER_BYTES = 2 * 1024**3  # a ZIP member larger than this is refused (no unpacking bombs)
CHUNK = 1024 * 1024


# ----------------------------------------------------------------------------------------- writing

@dataclass
class PackageFile:
    """An original in the package: its name in the document's folder and its bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class PackageDocument:
    ordinal: int
    metadata: dict[str, str]  # Appendix VI names → text (empty values are left out)
    files: list[PackageFile] = field(default_factory=list)
    signer: tuple[str, str] = ("", "")  # (Position, FullName)


@dataclass
class PackageContent:
    """What ``build_package`` writes: the hồ sơ's metadata (Appendix VI names) and its documents."""

    file_metadata: dict[str, str]
    documents: list[PackageDocument]


def safe_name(name: str) -> str:
    """A file name safe in any folder and ZIP: no folders, no control characters, not empty."""
    base = posixpath.basename((name or "").replace("\\", "/")).strip()
    base = "".join(c for c in base if c >= " " and c not in '<>:"|?*')
    return base.strip(". ") or "tep"


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        stem, ext = os.path.splitext(name)
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{stem}-{n}{ext}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def document_dir(ordinal: int) -> str:
    return f"{DOCUMENTS_DIR}/{ordinal:03d}"


def _sub(parent, tag: str, text: str | None = None):
    el = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    if text is not None:
        el.text = text
    return el


def metadata_xml(content: PackageContent, paths: dict[int, list[tuple[str, PackageFile]]]) -> bytes:
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}HoSo")
    meta = _sub(root, "FileInfo")
    for key, value in content.file_metadata.items():
        if value not in (None, ""):
            _sub(meta, key, str(value))
    docs = _sub(root, "Documents")
    for doc in content.documents:
        el = _sub(docs, "Document")
        _sub(el, "DocOrdinal", str(doc.ordinal))
        for key, value in doc.metadata.items():
            if value not in (None, ""):
                _sub(el, key, str(value))
        if any(doc.signer):
            signer = _sub(el, "SignerInfo")
            _sub(signer, "Position", doc.signer[0])
            _sub(signer, "FullName", doc.signer[1])
        files = _sub(el, "Files")
        for path, f in paths.get(doc.ordinal, []):
            fe = _sub(files, "File")
            fe.set("path", path)
            fe.set("sha256", f.sha256)
            fe.set("size", str(len(f.data)))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def package_members(content: PackageContent) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of every file of the package, the manifest last."""
    paths: dict[int, list[tuple[str, PackageFile]]] = {}
    lines = []
    members: list[tuple[str, bytes]] = []
    for doc in content.documents:
        names = _unique(safe_name(f.name) for f in doc.files)
        for name, f in zip(names, doc.files, strict=True):
            path = f"{document_dir(doc.ordinal)}/{name}"
            paths.setdefault(doc.ordinal, []).append((path, f))
            members.append((path, f.data))
            lines.append(f"{f.sha256}  {path}")
    xml = metadata_xml(content, paths)
    lines.insert(0, f"{hashlib.sha256(xml).hexdigest()}  {METADATA}")
    yield METADATA, xml
    yield from members
    yield MANIFEST, ("\n".join(lines) + "\n").encode()


def build_zip(content: PackageContent, *, root: str) -> bytes:
    """The package as a ZIP whose members sit under the folder ``root``. Originals (PDFs are already
    compressed) are stored, the XML and manifest deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in package_members(content):
            method = zipfile.ZIP_DEFLATED if path in (METADATA, MANIFEST) else zipfile.ZIP_STORED
            archive.writestr(f"{root}/{path}", data, compress_type=method)
    return buffer.getvalue()


def write_folder(content: PackageContent, folder: str) -> None:
    for path, data in package_members(content):
        target = os.path.join(folder, *path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)


# ----------------------------------------------------------------------------------------- checking

@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    file_code: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return (f"Package OK: case file {self.file_code}, {self.documents} documents, {self.files} files, "
                    f"SHA-256 checksums match, metadata consistent")
        return f"Package NOT OK: {len(self.problems)} problem(s) in case file package {self.file_code}".rstrip()


class _Tree:
    """The files of a package as relative POSIX paths, from a folder or a ZIP."""

    def paths(self) -> set[str]:
        raise NotImplementedError

    def open(self, path: str):
        raise NotImplementedError

    def sha256(self, path: str) -> str:
        digest = hashlib.sha256()
        with self.open(path) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def read(self, path: str, limit: int = 64 * 1024**2) -> bytes:
        with self.open(path) as fh:
            return fh.read(limit)


class _Folder(_Tree):
    def __init__(self, root: str):
        self.root = root

    def paths(self) -> set[str]:
        out = set()
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                full = os.path.join(folder, name)
                out.add(os.path.relpath(full, self.root).replace(os.sep, "/"))
        return out

    def open(self, path: str):
        return open(os.path.join(self.root, *path.split("/")), "rb")


class _Zip(_Tree):
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
        tops = {n.split("/", 1)[0] for n in names}
        # A package zipped with its folder (the download) or zipped from inside it.
        self.prefix = f"{tops.pop()}/" if len(tops) == 1 and all("/" in n for n in names) else ""
        self.members = {n[len(self.prefix):]: i for n in names for i in [archive.getinfo(n)]}

    def paths(self) -> set[str]:
        return set(self.members)

    def open(self, path: str):
        info = self.members[path]
        if info.file_size > MAX_MEMBER_BYTES:
            raise OSError(f"{path}: too large")
        return self.archive.open(info)


def _unsafe(path: str) -> bool:
    parts = path.split("/")
    return path.startswith("/") or ".." in parts or ":" in parts[0]


def _parse_manifest(text: str, report: Report) -> dict[str, str]:
    listed: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        sha, sep, path = line.partition("  ")
        sha, path = sha.strip().lower(), path.strip()
        if not sep or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha) or not path:
            report.problems.append(f"{MANIFEST} line {n}: not '<sha256>  <path>'")
            continue
        if _unsafe(path):
            report.problems.append(f"{MANIFEST} line {n}: unsafe path: {path}")
            continue
        if path in listed:
            report.problems.append(f"{MANIFEST} line {n}: {path} listed twice")
        listed[path] = sha
    return listed


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(el, name: str) -> str:
    for child in el:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _children(el, name: str) -> list:
    return [child for child in el if _local(child.tag) == name]


def _parse_xml(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser)
    if root.getroottree().docinfo.doctype:
        raise ValueError("DOCTYPE")
    return root


def _as_int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


def _check_metadata(xml: bytes, listed: dict[str, str], report: Report) -> None:
    try:
        root = _parse_xml(xml)
    except Exception:  # noqa: BLE001 - any parse failure is one problem to report
        report.problems.append(f"{METADATA}: unreadable (broken XML or a DOCTYPE)")
        return
    [info] = _children(root, "FileInfo") or [None]
    if info is None:
        report.problems.append(f"{METADATA}: no FileInfo (the case file metadata)")
        return
    organ, catalog, notation = (_child_text(info, k) for k in ("OrganId", "FileCatalog", "FileNotation"))
    code = _child_text(info, "FileCode")
    report.file_code = code
    for key in ("FileCode", "Title", "Maintenance", "FileCatalog", "FileNotation", "DocTotal"):
        if not _child_text(info, key):
            report.problems.append(f"{METADATA}: {key} missing")
    if code and code != ".".join(p for p in (organ, catalog, notation)):
        report.problems.append(f"{METADATA}: FileCode {code!r} does not match OrganId.FileCatalog.FileNotation")
    docs_el = _children(root, "Documents")
    documents = _children(docs_el[0], "Document") if docs_el else []
    report.documents = len(documents)
    total = _as_int(_child_text(info, "DocTotal"))
    if total is not None and total != len(documents):
        report.problems.append(f"{METADATA}: DocTotal is {total} but the package has {len(documents)} documents")
    pages = 0
    referenced: set[str] = set()
    for position, doc in enumerate(documents, start=1):
        ordinal = _as_int(_child_text(doc, "DocOrdinal"))
        if ordinal != position:
            report.problems.append(f"{METADATA}: document {position} has DocOrdinal "
                                   f"{_child_text(doc, 'DocOrdinal')!r} (expected {position})")
        pages += _as_int(_child_text(doc, "PageAmount")) or 0
        for files_el in _children(doc, "Files"):
            for f in _children(files_el, "File"):
                path, sha = f.get("path") or "", (f.get("sha256") or "").lower()
                referenced.add(path)
                if path not in listed:
                    report.problems.append(f"{METADATA}: document {position} refers to {path}, not in "
                                           f"{MANIFEST}")
                elif listed[path] != sha:
                    report.problems.append(f"{METADATA}: checksum of {path} differs from {MANIFEST}")
    page_total = _as_int(_child_text(info, "PageTotal"))
    if page_total is not None and pages and page_total != pages:
        report.problems.append(f"{METADATA}: PageTotal is {page_total} but the documents have {pages} pages")
    for path in sorted(p for p in listed if p.startswith(f"{DOCUMENTS_DIR}/") and p not in referenced):
        report.problems.append(f"{METADATA}: {path} belongs to no document")


def _verify_tree(tree: _Tree, report: Report) -> None:
    present = tree.paths()
    if MANIFEST not in present:
        report.problems.append(f"{MANIFEST} missing")
        return
    listed = _parse_manifest(tree.read(MANIFEST).decode("utf-8", "replace"), report)
    for path in sorted(present - set(listed) - {MANIFEST}):
        report.problems.append(f"file not listed in {MANIFEST}: {path}")
    for path, sha in sorted(listed.items()):
        if path not in present:
            report.problems.append(f"missing file: {path}")
            continue
        try:
            actual = tree.sha256(path)
        except (OSError, zipfile.BadZipFile, RuntimeError) as exc:
            report.problems.append(f"cannot read {path}: {exc}")
            continue
        if actual != sha:
            report.problems.append(f"SHA-256 checksum mismatch: {path}")
        report.files += 1
    if METADATA not in listed:
        report.problems.append(f"{MANIFEST} does not list {METADATA}")
    if METADATA in present:
        _check_metadata(tree.read(METADATA), listed, report)
    else:
        report.problems.append(f"{METADATA} missing")


def verify_package(location: str) -> Report:
    """Check the package in the folder or ZIP at ``location``; the report lists every problem found."""
    report = Report()
    if os.path.isdir(location):
        _verify_tree(_Folder(location), report)
        return report
    if not os.path.isfile(location):
        report.problems.append(f"no such folder or ZIP file: {location}")
        return report
    try:
        with zipfile.ZipFile(location) as archive:
            bad = [i.filename for i in archive.infolist() if _unsafe(i.filename)]
            if bad:
                report.problems.extend(f"unsafe path in the ZIP: {n}" for n in bad)
                return report
            _verify_tree(_Zip(archive), report)
    except zipfile.BadZipFile:
        report.problems.append(f"neither a folder nor a readable ZIP file: {location}")
    return report
