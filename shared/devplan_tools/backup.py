"""`devplan backup` / `devplan restore`: the local stack's Firestore, exported and imported by the
emulator itself, in the format `gcloud firestore export` writes (a folder with an
`.overall_export_metadata` file).

The emulator's REST API (checked on this machine's emulator):
  POST /emulator/v1/projects/{p}:export  {"database", "export_directory": an existing folder,
                                          "export_name"} → {export_directory}/{export_name}/
  POST /emulator/v1/projects/{p}:import  {"database", "export_directory": the
                                          .overall_export_metadata FILE}  (a folder is refused)
The import adds and overwrites documents; it deletes none. A restore therefore wipes first, so the
database becomes exactly the backup. Both write through the emulator like any write does, so
Firestore triggers fire for the deleted and the imported documents (see the README's runbook:
the functions must shrug them off, and do; tests/e2e/test_restore_drill.py checks it).
On a real project this module does nothing: see the runbook (PITR, backups, a new database).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from devplan_tools.local.emulators import clear_firestore

DATABASE = "(default)"
METADATA_SUFFIX = ".overall_export_metadata"
DEFAULT_DIRECTORY = Path(".devplan") / "backups"


def _call(host: str, project: str, action: str, body: dict[str, str]) -> None:
    url = f"http://{host}/emulator/v1/projects/{project}:{action}"
    response = requests.post(url, json={"database": f"projects/{project}/databases/{DATABASE}", **body}, timeout=300)
    if response.status_code != 200:
        raise RuntimeError(f"the Firestore emulator refused the {action}: HTTP {response.status_code} {response.text}")


def export(host: str, project: str, directory: Path, name: str | None = None) -> Path:
    """Export the whole database into `directory`/`name`; the metadata file that restores it."""
    name = name or "devplan-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    directory = directory.resolve()  # the emulator resolves paths from its own working directory
    directory.mkdir(parents=True, exist_ok=True)
    _call(host, project, "export", {"export_directory": str(directory), "export_name": name})
    return metadata_file(directory / name)


def metadata_file(path: Path) -> Path:
    """The `.overall_export_metadata` of an export: the file itself, or the one in its folder."""
    path = path.resolve()
    if path.is_file() and path.name.endswith(METADATA_SUFFIX):
        return path
    found = sorted(path.glob(f"*{METADATA_SUFFIX}")) if path.is_dir() else []
    if len(found) != 1:
        raise FileNotFoundError(f"{path}: not an export (no single *{METADATA_SUFFIX} in it)")
    return found[0]


def restore(host: str, project: str, export_path: Path) -> None:
    """Make the database exactly the export: wipe, then import."""
    metadata = metadata_file(export_path)
    clear_firestore(host, project)
    _call(host, project, "import", {"export_directory": str(metadata)})


def documents(db: Any) -> dict[str, dict[str, Any]]:
    """Every document of every collection, subcollections too: {"employees/anna": {...}, ...}."""
    found: dict[str, dict[str, Any]] = {}

    def walk(collections: Any) -> None:
        for collection in collections:
            for ref in collection.list_documents():  # also documents that exist only as parents
                snapshot = ref.get()
                if snapshot.exists:
                    found[ref.path] = snapshot.to_dict() or {}
                walk(ref.collections())

    walk(db.collections())
    return found


def write_back(docs: dict[str, dict[str, Any]], db: Any, *, batch_size: int = 400) -> None:
    """Write documents into `db` through the client, as a restore that copies from a restored
    database (or a PITR read) into the live one does: every write fires the live triggers."""
    paths = sorted(docs)
    for start in range(0, len(paths), batch_size):
        batch = db.batch()
        for path in paths[start : start + batch_size]:
            batch.set(db.document(path), docs[path])
        batch.commit()


def counts(docs: dict[str, Any]) -> dict[str, int]:
    """Documents per top-level collection (subcollections counted with their parents' collection)."""
    per: dict[str, int] = {}
    for path in docs:
        per[path.split("/", 1)[0]] = per.get(path.split("/", 1)[0], 0) + 1
    return dict(sorted(per.items()))


def _local(args: argparse.Namespace) -> dict[str, Any] | None:
    from devplan_tools.local import control

    local = control.running()
    if local is None:
        print(
            "No local stack is up (`devplan local up --detach`). On a Google Cloud project use its "
            "backups and point-in-time recovery: see the README's runbook.",
            file=sys.stderr,
        )
    return local


def backup_command(args: argparse.Namespace) -> int:
    local = _local(args)
    if local is None:
        return 2
    metadata = export(local["firestore_host"], local["project"], Path(args.dir), args.name)
    print(f"Backup of {local['project']} written: {metadata.parent}")
    print(f"Restore it with: devplan restore {metadata.parent}")
    return 0


def restore_command(args: argparse.Namespace) -> int:
    local = _local(args)
    if local is None:
        return 2
    from devplan_tools.local.control import StackClient

    try:
        restore(local["firestore_host"], local["project"], Path(args.path))
    except (FileNotFoundError, RuntimeError) as exc:
        print(exc, file=sys.stderr)
        return 1
    stack = StackClient(local)
    stack.wait_settled()  # the triggers the import fired have run
    print(f"Restored {local['project']} from {args.path}: {counts(documents(stack.firestore()))}")
    return 0


def add_commands(commands: Any) -> None:
    backup = commands.add_parser("backup", help="export the local stack's Firestore (the emulator's export)")
    backup.add_argument("--dir", default=str(DEFAULT_DIRECTORY), help="folder for the export (default: %(default)s)")
    backup.add_argument("--name", help="the export's name (default: devplan-<UTC time>)")
    backup.set_defaults(run=backup_command)
    restore_ = commands.add_parser("restore", help="make the local stack's Firestore exactly a backup (wipe, import)")
    restore_.add_argument("path", help="the export's folder, or its .overall_export_metadata file")
    restore_.set_defaults(run=restore_command)
