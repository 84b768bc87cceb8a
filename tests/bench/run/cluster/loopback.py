"""Run a command in this network namespace with only loopback up: ``unshare --net python
loopback.py CMD...``. Brings ``lo`` up (an ioctl, so iproute2 need not be installed), then
execs CMD; Ray started under it can bind nothing but 127.0.0.1, and no traffic leaves.
"""

from __future__ import annotations

import fcntl
import os
import socket
import struct
import subprocess
import sys

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
INSIDE = "BENCH_LOOPBACK_NETNS"  # set for the command: the scenarios check it


def interfaces() -> list[str]:
    """This namespace's interfaces (asked of the kernel: /sys shows the namespace that
    mounted it)."""
    return sorted(name for _, name in socket.if_nameindex())


def loopback_only() -> bool:
    return interfaces() == ["lo"]


def bring_loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def unavailable() -> str | None:
    """Why this process cannot make a loopback-only namespace, or None."""
    try:
        probe = subprocess.run(["unshare", "--net", "--", sys.executable, __file__, "true"],
                               capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`unshare --net` cannot run here ({exc})"
    if probe.returncode != 0:
        return (f"cannot create a network namespace (`unshare --net` exit {probe.returncode}: "
                f"{probe.stderr.strip()[-300:]}); these tests need root or CAP_SYS_ADMIN")
    return None


if __name__ == "__main__":
    if not loopback_only():
        sys.exit(f"loopback.py: interfaces {interfaces()} besides lo: run under unshare --net")
    bring_loopback_up()
    os.environ[INSIDE] = "1"
    os.execvp(sys.argv[1], sys.argv[1:])
