# gdb settings for debugging ./linux, the user-mode kernel, as a host
# program. `make gdb` and `make gdb-attach` load this file; to have plain
# `gdb ./linux` in this directory load it too, add it to gdb's safe path
# once: echo "add-auto-load-safe-path $PWD/.gdbinit" >> ~/.gdbinit
#
# The kernel takes SIGALRM (its timer tick), SIGIO (host I/O is ready) and
# SIGCHLD (a guest process's host child changed state) all the time; gdb
# passes them through without stopping. SIGINT still stops the kernel
# (kill -INT <pid>: the console is in raw mode, so ^C goes to the guest).
handle SIGALRM SIGIO SIGCHLD SIGPIPE nostop noprint pass
# Guest processes are host children: gdb stays with the kernel.
set follow-fork-mode parent
set detach-on-fork on
set print thread-events off
set pagination off
# lx-ps, lx-task, lx-files, lx-maps, lx-addr, lx-str, lx-dmesg, $lx_str()
source tools/gdb/linux-gdb.py
