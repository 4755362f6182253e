"""What the manifest gives each function, and the wall time a cold start takes there.

Cloud Functions (2nd gen) runs on Cloud Run; the vCPU follows the memory unless `cpu` is set.
The default vCPU per memory size, from "Configure memory and vCPU limits"
(https://cloud.google.com/functions/docs/configuring/memory): 128 MiB .083, 256 MiB .167,
512 MiB .333, 1 GiB .583, 2 GiB 1, 4 GiB 2, 8 GiB 2, 16 GiB 4, 32 GiB 8; the default memory is
256 MiB. A fraction of a vCPU is a CPU quota: the process gets `vcpu` CPU-seconds per second,
so single-threaded work of C CPU-seconds takes C / min(vcpu, 1) seconds of wall time (one
thread cannot use more than one vCPU)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "infra" / "functions.yaml"
DEFAULT_MEMORY = "256Mi"
DEFAULT_VCPU_MIB = ((128, 0.083), (256, 0.167), (512, 0.333), (1024, 0.583), (2048, 1.0), (4096, 2.0), (8192, 2.0),
                    (16384, 4.0), (32768, 8.0))  # fmt: skip
_UNITS = {"": 1 / 2**20, "k": 1000 / 2**20, "M": 1e6 / 2**20, "G": 1e9 / 2**20, "Ki": 1 / 1024, "Mi": 1, "Gi": 1024}


@dataclass(frozen=True)
class Size:
    function: str
    memory: str
    vcpu: float
    declared: bool  # `cpu` written in the manifest (else the default for the memory)
    min_instances: int

    def wall_seconds(self, cpu_seconds: float) -> float:
        return cpu_seconds / min(self.vcpu, 1.0)


def mebibytes(memory: str) -> float:
    found = re.fullmatch(r"\s*([0-9.]+)\s*([kMG]i?|Ki)?B?\s*", str(memory))
    if not found:
        raise ValueError(f"memory {memory!r} is not a size such as 256Mi or 1Gi")
    return float(found.group(1)) * _UNITS[found.group(2) or ""]


def default_vcpu(memory: str) -> float:
    """The smallest tier holding the memory (Cloud Functions rounds up to the next tier)."""
    mib = mebibytes(memory)
    return next((vcpu for limit, vcpu in DEFAULT_VCPU_MIB if mib <= limit), DEFAULT_VCPU_MIB[-1][1])


def size_of(function: str, manifest: Path = MANIFEST) -> Size:
    entry = next((f for f in yaml.safe_load(manifest.read_text())["functions"] if f["name"] == function), None)
    if entry is None:
        raise KeyError(f"{function} is not in {manifest}")
    memory = str(entry.get("memory") or DEFAULT_MEMORY)
    cpu = entry.get("cpu")
    return Size(
        function,
        memory,
        float(cpu) if cpu else default_vcpu(memory),
        cpu is not None,
        int(entry.get("min_instances") or 0),
    )
