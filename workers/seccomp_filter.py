"""Build the sandbox's seccomp filter (a BPF program bwrap loads with ``--seccomp FD``).

Run as a script by Debian's ``/usr/bin/python3``, which has the libseccomp
binding from the ``python3-seccomp`` package::

    /usr/bin/python3 workers/seccomp_filter.py OUTPUT.bpf

The filter allows by default and refuses, with EPERM, the system calls a
NumPy program never needs and an escape usually does: debugging other
processes, new namespaces, kernel keyrings, mounts, BPF, io_uring, module
loading, and sockets other than AF_UNIX. ``clone3`` gets ENOSYS so that libc
falls back to ``clone``, whose flags the filter can inspect. System calls of
other architectures (int 0x80, x32) kill the process.
"""

import errno
import sys

DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "perf_event_open", "bpf", "userfaultfd",
    "keyctl", "add_key", "request_key",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "unshare", "setns",
    "swapon", "swapoff", "reboot", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "acct", "quotactl",
    "syslog", "iopl", "ioperm", "open_by_handle_at", "name_to_handle_at",
    "lookup_dcookie", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "personality", "vhangup", "settimeofday", "clock_settime", "adjtimex",
)
"""System calls refused with EPERM."""

NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
ALLOWED_SOCKET_FAMILIES = (1,)  # AF_UNIX: socketpair for multiprocessing
TIOCSTI, TIOCLINUX = 0x5412, 0x541C


def build_filter():
    """Return a libseccomp ``SyscallFilter`` for the sandbox."""
    import seccomp

    deny = seccomp.ERRNO(errno.EPERM)
    sandbox_filter = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED:
        try:
            sandbox_filter.add_rule(deny, name)
        except (RuntimeError, ValueError):  # a name this libseccomp does not know
            pass
    for flag in NAMESPACE_FLAGS.values():
        sandbox_filter.add_rule(deny, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    sandbox_filter.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    sandbox_filter.add_rule(deny, "socket", seccomp.Arg(0, seccomp.GT, max(ALLOWED_SOCKET_FAMILIES)))
    sandbox_filter.add_rule(deny, "socket", seccomp.Arg(0, seccomp.LT, min(ALLOWED_SOCKET_FAMILIES)))
    for request in (TIOCSTI, TIOCLINUX):
        sandbox_filter.add_rule(deny, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, request))
    return sandbox_filter


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} OUTPUT.bpf", file=sys.stderr)
        return 2
    with open(argv[1], "wb") as output:
        build_filter().export_bpf(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
