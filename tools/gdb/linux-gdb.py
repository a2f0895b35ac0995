# gdb helpers for debugging ./linux, the user-mode kernel, with host gdb.
#
# Loaded by the repository's .gdbinit and by `make gdb`; by hand:
#     (gdb) source tools/gdb/linux-gdb.py
#
# Commands (each prints what the kernel's own data structures say; nothing
# here changes kernel state):
#     lx-ps                   every task: pid, tgid, parent, state, comm, wchan
#     lx-task [PID]           one task: state, credentials, guest registers,
#                             signals, open files (default: the current task)
#     lx-files [PID]          a task's open files, as /proc/PID/fd shows them
#     lx-maps [PID]           a task's memory areas, as /proc/PID/maps
#     lx-addr ADDR [PID]      what a guest address is: its memory area, the
#                             page-table entry, the physmem frame, the host
#                             address the kernel sees it at
#     lx-str ADDR [PID]       the NUL-terminated string at a guest address
#     lx-dmesg                the kernel log buffer
# Convenience functions, for breakpoint conditions and print:
#     $lx_str(ADDR[, PID])    a guest string, e.g.
#                 break sys_openat if $_streq($lx_str(path), "/etc/hostname")
#     $lx_pid()               the pid of the current task (0 if none)
#
# Guest addresses are read through the task's page tables (mm->pgd), the
# way the kernel reads them: a page the guest has not touched yet is "not
# present" and reads as an error, never as zeros.

import gdb

PAGE = 4096
PTE_PRESENT, PTE_WRITE, PTE_MAPPED, PTE_SWAP = 0x1, 0x2, 0x4, 0x8
STATES = ["R", "S", "D", "T", "Z", "X", "t"]


def _int(v):
    return int(v.cast(gdb.lookup_type("unsigned long")))


def _container(ptr, typename, member):
    """The struct typename that holds the list_head at ptr as member."""
    t = gdb.lookup_type(typename)
    off = 0
    for f in t.fields():
        if f.name == member:
            off = f.bitpos // 8
            break
    else:
        raise gdb.GdbError("%s has no field %s" % (typename, member))
    return gdb.Value(_int(ptr) - off).cast(t.pointer())


def _list(head, typename, member):
    """Yields the entries of a struct list_head list, in order."""
    node = head["next"]
    end = _int(head.address)
    seen = 0
    while _int(node) != end:
        yield _container(node, typename, member)
        node = node["next"]
        seen += 1
        if seen > 1000000:
            raise gdb.GdbError("list does not end: memory corrupt?")


def tasks():
    return list(_list(gdb.parse_and_eval("all_tasks"), "struct task", "all_node"))


def current():
    cur = gdb.parse_and_eval("current")
    return cur if _int(cur) else None


def find_task(arg):
    """The task named by a pid argument, or the current task."""
    if arg is None or str(arg).strip() == "":
        t = current()
        if t is None:
            raise gdb.GdbError("no current task; give a pid")
        return t
    pid = int(gdb.parse_and_eval(str(arg)))
    for t in tasks():
        if int(t["pid"]) == pid:
            return t
    raise gdb.GdbError("no task with pid %d" % pid)


def _comm(t):
    return t["comm"].string(length=16).split("\0")[0]


def _state(t):
    s = int(t["state"])
    return STATES[s] if 0 <= s < len(STATES) else "?"


def _cstr(v):
    return v.string() if _int(v) else ""


# --- guest memory -----------------------------------------------------------


def pte_of(mm, addr):
    """The page-table leaf value for addr in mm, or None if no table."""
    table = _int(mm["pgd"])
    inf = gdb.selected_inferior()
    for level in (3, 2, 1):
        idx = (addr >> (12 + 9 * level)) & 511
        entry = int.from_bytes(bytes(inf.read_memory(table + idx * 8, 8)), "little")
        if not entry:
            return None
        table = entry
    idx = (addr >> 12) & 511
    return int.from_bytes(bytes(inf.read_memory(table + idx * 8, 8)), "little")


def host_addr(mm, addr):
    """The kernel's (host) address of guest address addr, or None."""
    pte = pte_of(mm, addr)
    if pte is None or not pte & PTE_PRESENT:
        return None
    base = _int(gdb.parse_and_eval("physmem_base"))
    return base + (pte >> 12) * PAGE + (addr & (PAGE - 1))


def read_guest(mm, addr, n):
    out = b""
    inf = gdb.selected_inferior()
    while n > 0:
        h = host_addr(mm, addr)
        if h is None:
            raise gdb.GdbError("guest address 0x%x is not present" % addr)
        chunk = min(n, PAGE - (addr & (PAGE - 1)))
        out += bytes(inf.read_memory(h, chunk))
        addr += chunk
        n -= chunk
    return out


def guest_string(mm, addr, limit=4096):
    out = b""
    while len(out) < limit:
        chunk = min(limit - len(out), PAGE - (addr & (PAGE - 1)))
        data = read_guest(mm, addr, chunk)
        nul = data.find(b"\0")
        if nul >= 0:
            return (out + data[:nul]).decode("utf-8", "backslashreplace")
        out += data
        addr += chunk
    return out.decode("utf-8", "backslashreplace")


def task_mm(t):
    mm = t["mm"]
    if not _int(mm):
        raise gdb.GdbError("task %d (%s) has no address space" % (int(t["pid"]), _comm(t)))
    return mm


# --- files -----------------------------------------------------------------


def dentry_name(d):
    return d["name"].string(length=int(d["namelen"]))


def path_name(path):
    """A struct path_ref as an absolute path, walking mounts like path_name()."""
    mnt, d = path["mnt"], path["dentry"]
    parts = []
    for _ in range(4096):
        if _int(d) == _int(mnt["root"]):
            parent = mnt["parent"]
            if not _int(parent):
                break
            d, mnt = mnt["mountpoint"], parent
            continue
        if _int(d["parent"]) == _int(d):
            break
        parts.append(dentry_name(d))
        d = d["parent"]
    return "/" + "/".join(reversed(parts))


def file_desc(f):
    if _int(f["path"]["dentry"]):
        name = path_name(f["path"])
        if not f["path"]["dentry"]["hashed"]:
            name += " (deleted)"
        return name
    inode = f["inode"]
    mode = int(inode["mode"]) & 0o170000
    kind = {0o010000: "pipe", 0o140000: "socket"}.get(mode, "anon_inode")
    ops = gdb.execute("info symbol 0x%x" % _int(f["fops"]), to_string=True).split()[0]
    return "%s:[%d] (%s)" % (kind, int(inode["ino"]), ops)


def file_lines(t):
    files = t["files"]
    if not _int(files):
        return ["  (no files)"]
    out = []
    for fd in range(int(files["max"])):
        f = files["fd"][fd]
        if _int(f):
            acc = {1: "r", 2: "w", 3: "rw"}.get(int(f["mode"]) & 3, "-")
            out.append("  %3d %-2s pos %-8d %s" % (fd, acc, int(f["pos"]), file_desc(f)))
    return out


def vma_desc(v):
    prot = int(v["prot"])
    perms = ("r" if prot & 1 else "-") + ("w" if prot & 2 else "-") + \
        ("x" if prot & 4 else "-") + ("s" if int(v["flags"]) & 1 else "p")
    what = ""
    if _int(v["file"]):
        what = "%s @0x%x" % (file_desc(v["file"]), int(v["pgoff"]) * PAGE)
    elif int(v["flags"]) & 4:
        what = "[stack]"
    elif int(v["flags"]) & 8:
        what = "[heap]"
    return "%012x-%012x %s %s" % (int(v["start"]), int(v["end"]), perms, what)


# --- commands --------------------------------------------------------------


class LxPs(gdb.Command):
    """Lists the kernel's tasks: pid, tgid, parent pid, state, comm, wchan.
The current task is marked with '>'."""

    def __init__(self):
        super().__init__("lx-ps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cur = current()
        curp = _int(cur) if cur is not None else 0
        print("   %5s %5s %5s %s %-16s %s" % ("PID", "TGID", "PPID", "S", "COMM", "WCHAN"))
        for t in tasks():
            parent = t["parent"]
            ppid = int(parent["pid"]) if _int(parent) else 0
            mark = ">" if _int(t) == curp else " "
            print(" %s %5d %5d %5d %s %-16s %s" % (mark, int(t["pid"]), int(t["tgid"]), ppid,
                                                 _state(t), _comm(t), _cstr(t["wchan"])))


class LxTask(gdb.Command):
    """Shows one task (default: the current one): state, ids, guest registers,
signal masks and its open files.  Usage: lx-task [PID]"""

    def __init__(self):
        super().__init__("lx-task", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        t = find_task(arg)
        r = t["regs"]
        print("task %d (%s) tgid %d state %s%s%s" % (
            int(t["pid"]), _comm(t), int(t["tgid"]), _state(t),
            " wchan " + _cstr(t["wchan"]) if _cstr(t["wchan"]) else "",
            " kernel thread" if t["kthread"] else ""))
        print("  uid %d euid %d gid %d egid %d" % (int(t["uid"]), int(t["euid"]),
                                                 int(t["gid"]), int(t["egid"])))
        nr = int(t["syscall_nr"])
        if nr >= 0:
            name = gdb.parse_and_eval("syscall_name(%d)" % nr).string()
            print("  in system call %d (%s)" % (nr, name))
        print("  rip %016x rsp %016x rax %016x orig_rax %d" % (
            _int(r["rip"]), _int(r["rsp"]), _int(r["rax"]), int(r["orig_rax"].cast(gdb.lookup_type("long")))))
        print("  rdi %016x rsi %016x rdx %016x r10 %016x" % (
            _int(r["rdi"]), _int(r["rsi"]), _int(r["rdx"]), _int(r["r10"])))
        print("  fs_base %016x eflags %x" % (_int(r["fs_base"]), _int(r["eflags"])))
        print("  signals blocked %016x pending %016x shared %016x" % (
            _int(t["blocked"]), _int(t["pending"]["set"]),
            _int(t["signal"]["shared"]["set"]) if _int(t["signal"]) else 0))
        if _int(t["mm"]):
            mm = t["mm"]
            print("  mm rss %d pages, brk %x, host pid %d" % (int(mm["rss"]), _int(mm["brk"]),
                                                              int(mm["eng"]["pid"])))
        print("  files:")
        for line in file_lines(t):
            print(line)


class LxFiles(gdb.Command):
    """Lists a task's open files (default: the current task).  Usage: lx-files [PID]"""

    def __init__(self):
        super().__init__("lx-files", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        for line in file_lines(find_task(arg)):
            print(line)


class LxMaps(gdb.Command):
    """Lists a task's memory areas (default: the current task).  Usage: lx-maps [PID]"""

    def __init__(self):
        super().__init__("lx-maps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        mm = task_mm(find_task(arg))
        for v in _list(mm["vmas"], "struct vma", "list"):
            print(vma_desc(v))


def _addr_and_task(arg, cmd):
    argv = gdb.string_to_argv(arg)
    if not argv or len(argv) > 2:
        raise gdb.GdbError("usage: %s ADDR [PID]" % cmd)
    addr = _int(gdb.parse_and_eval(argv[0]))
    return addr, find_task(argv[1] if len(argv) > 1 else None)


class LxAddr(gdb.Command):
    """Decodes a guest address of a task (default: the current task): the
memory area holding it, its page-table entry, physmem frame and the host
address the kernel reads it at.  Usage: lx-addr ADDR [PID]"""

    def __init__(self):
        super().__init__("lx-addr", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        addr, t = _addr_and_task(arg, "lx-addr")
        mm = task_mm(t)
        print("guest address 0x%x in task %d (%s)" % (addr, int(t["pid"]), _comm(t)))
        area = None
        for v in _list(mm["vmas"], "struct vma", "list"):
            if int(v["start"]) <= addr < int(v["end"]):
                area = v
                break
        if area is None:
            print("  not in any memory area (a fault here is SIGSEGV)")
        else:
            print("  area " + vma_desc(area))
            if _int(area["file"]):
                off = int(area["pgoff"]) * PAGE + addr - int(area["start"])
                print("  file offset 0x%x" % off)
        pte = pte_of(mm, addr)
        if pte is None or pte == 0:
            print("  no page-table entry: never touched (the next access faults)")
            return
        if pte & PTE_SWAP and not pte & PTE_PRESENT:
            print("  swapped out, slot %d" % (pte >> 12))
            return
        flags = [n for b, n in ((PTE_PRESENT, "present"), (PTE_WRITE, "write"),
                                (PTE_MAPPED, "host-mapped")) if pte & b]
        frame = pte >> 12
        page = gdb.parse_and_eval("page_map[%d]" % frame)
        print("  pte 0x%x (%s), frame %d, refcount %d, page flags 0x%x" % (
            pte, " ".join(flags), frame, int(page["refcount"]), int(page["flags"])))
        print("  host address 0x%x (x/8gx 0x%x to read it here)" % (host_addr(mm, addr),
                                                                  host_addr(mm, addr)))


class LxStr(gdb.Command):
    """Prints the NUL-terminated string at a guest address of a task
(default: the current task).  Usage: lx-str ADDR [PID]"""

    def __init__(self):
        super().__init__("lx-str", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        addr, t = _addr_and_task(arg, "lx-str")
        print('"%s"' % guest_string(task_mm(t), addr).replace('"', '\\"'))


class LxDmesg(gdb.Command):
    """Prints the kernel log buffer."""

    def __init__(self):
        super().__init__("lx-dmesg", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        buf = gdb.parse_and_eval("log_buf")
        size = int(buf.type.sizeof)
        head = int(gdb.parse_and_eval("log_head"))
        n = int(gdb.parse_and_eval("log_len"))
        raw = bytes(gdb.selected_inferior().read_memory(buf.address, size))
        text = (raw[head:] + raw[:head])[:n]
        gdb.write(text.decode("utf-8", "replace"))


class LxStrFn(gdb.Function):
    """$lx_str(ADDR[, PID]): the string at a guest address of a task (default:
the current task); "" when it cannot be read."""

    def __init__(self):
        super().__init__("lx_str")

    def invoke(self, addr, pid=None):
        try:
            t = find_task(None if pid is None else int(pid))
            return gdb.Value(guest_string(task_mm(t), _int(addr)))
        except gdb.GdbError:
            return gdb.Value("")


class LxPidFn(gdb.Function):
    """$lx_pid(): the pid of the current task, 0 when none."""

    def __init__(self):
        super().__init__("lx_pid")

    def invoke(self):
        t = current()
        return gdb.Value(int(t["pid"]) if t is not None else 0)


for _cls in (LxPs, LxTask, LxFiles, LxMaps, LxAddr, LxStr, LxDmesg, LxStrFn, LxPidFn):
    _cls()
