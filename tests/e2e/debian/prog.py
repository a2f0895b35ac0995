#!/usr/bin/python3
"""Python in the Debian guest: threads, subprocess, json, hashlib, the file
system (os.listdir, os.stat), socketpair and TCP over loopback. Every line
it prints is deterministic; tests/e2e/debian.sh checks them."""
import fcntl
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import shutil
import tempfile
import threading

# Threads: 16 threads add to a shared counter under a lock, and each
# hashes its own block; the totals do not depend on scheduling.
lock = threading.Lock()
total = 0
digests = [None] * 16


def work(i):
    global total
    for _ in range(1000):
        with lock:
            total += 1
    digests[i] = hashlib.sha256(bytes([i]) * 4096).hexdigest()


threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("py threads:", total, hashlib.sha256("".join(digests).encode()).hexdigest()[:16])

# hashlib on known data.
print("py sha256:", hashlib.sha256(b"abc").hexdigest())
print("py md5:", hashlib.md5(b"").hexdigest())

# json round trip.
doc = {"name": "debian", "list": [1, 2.5, None, True], "nested": {"k": "v\u00e9"}}
text = json.dumps(doc, sort_keys=True)
print("py json:", text, json.loads(text) == doc)

# subprocess: a pipeline through the shell and a child's exit status.
out = subprocess.run(["sh", "-c", "echo one two three | wc -w"],
                     capture_output=True, text=True, check=True)
print("py subprocess:", out.stdout.strip(),
      subprocess.run(["sh", "-c", "exit 7"]).returncode)

# Files: listdir and stat of a directory made here.
d = tempfile.mkdtemp()
for name, size in (("a", 10), ("b", 2000), ("c", 0)):
    with open(os.path.join(d, name), "wb") as f:
        f.write(b"x" * size)
os.mkdir(os.path.join(d, "sub"))
os.chmod(os.path.join(d, "b"), 0o640)
entries = sorted(os.listdir(d))
sizes = [os.stat(os.path.join(d, e)).st_size for e in entries if e != "sub"]
st = os.stat(os.path.join(d, "b"))
print("py files:", entries, sizes, oct(st.st_mode & 0o777),
      os.path.isdir(os.path.join(d, "sub")))
shutil.rmtree(d)

# socketpair: a thread echoes upper-cased data back.
a, b = socket.socketpair()


def echo(s):
    data = s.recv(100)
    s.sendall(data.upper())
    s.close()


t = threading.Thread(target=echo, args=(b,))
t.start()
a.sendall(b"hello socketpair")
print("py socketpair:", a.recv(100).decode())
t.join()
a.close()

# TCP over loopback. minbase has no ifupdown to bring lo up at boot, so
# this does what "ip link set lo up" would: SIOCGIFFLAGS, then
# SIOCSIFFLAGS with IFF_UP added.
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    req = struct.pack("16sh", b"lo", 0)
    flags = struct.unpack("16sh", fcntl.ioctl(s, SIOCGIFFLAGS, req))[1]
    fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | IFF_UP))
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
port = srv.getsockname()[1]


def serve():
    c, _ = srv.accept()
    n = 0
    while True:
        data = c.recv(65536)
        if not data:
            break
        n += len(data)
    c.sendall(str(n).encode())
    c.close()


t = threading.Thread(target=serve)
t.start()
cli = socket.create_connection(("127.0.0.1", port))
cli.sendall(b"z" * 1000000)
cli.shutdown(socket.SHUT_WR)
print("py tcp:", cli.recv(100).decode())
t.join()
cli.close()
srv.close()
sys.exit(0)
