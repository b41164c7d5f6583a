#!/usr/bin/env python3
"""Summarises `perf script -F comm,tid,ip,sym,dso` output of the server process: each sample is charged to the
innermost Switchboard method on its stack (kernel time included, so a socket send counts for whoever sent), else to
the runtime part it is in (GC, JIT, thread pool, ...). Usage: perf-summary.py perf.txt [top]"""
import collections, re, sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
samples, component, method = 0, collections.Counter(), collections.Counter()
kernel_in = collections.Counter()

def classify(frames):
    kernel = any('[kernel.kallsyms]' in f for f in frames[:1])
    for f in frames:
        m = re.search(r'\[(Switchboard\.[A-Za-z]+)\] (.*?)(\[(Optimized|Instrumented|Tier|QuickJitted|MinOpt).*?\])? \(', f)
        if m:
            name = re.sub(r'\+<(\w+)>d__\d+::MoveNext\(\)', r'.\1', m.group(2))
            name = re.sub(r'\(.*', '', name)
            return m.group(1), name, kernel
    joined = ' '.join(frames)
    if re.search(r'gc_heap|GCHeap|WKS::|SVR::|gc\.cpp|GarbageCollect', joined):
        return 'runtime: GC', 'GC', kernel
    if 'libclrjit' in joined:
        return 'runtime: JIT', 'JIT', kernel
    if re.search(r'Kestrel|System\.Net\.Http|WebSockets|System\.Net\.Sockets|SocketAsyncEngine', joined):
        return 'sockets/Kestrel (no Switchboard frame)', 'sockets', kernel
    if re.search(r'ThreadPool|PortableThreadPool|WorkerThread|LowLevelLifoSemaphore|sched_yield|futex', joined):
        return 'runtime: thread pool (idle spin, wake-ups)', 'threadpool', kernel
    if re.search(r'TimerQueue', joined):
        return 'runtime: timers', 'timers', kernel
    syscall = next((re.search(r'__x64_sys_(\w+)', f).group(1) for f in frames if '__x64_sys_' in f), None)
    if re.search(r'ext4|inode|filemap|find_get_block|recently_deleted|jbd2', joined) or syscall in ('openat', 'unlink', 'unlinkat', 'write', 'close', 'pwrite64'):
        return 'kernel: files (create/write/delete)', syscall or 'fs', kernel
    if re.search(r'tcp_|sock_|skb|inet_|ip_|loopback|net_rx', joined) or syscall in ('sendto', 'recvfrom', 'sendmsg', 'recvmsg'):
        return 'kernel: loopback TCP', syscall or 'net', kernel
    if re.search(r'schedule|futex|sched_yield|finish_task_switch|epoll', joined) or syscall in ('futex', 'sched_yield', 'epoll_wait'):
        return 'kernel: scheduling, futex, epoll', syscall or 'sched', kernel
    if kernel:
        return 'kernel: other', syscall or frames[0].split(' ', 1)[-1][:60], kernel
    return 'other', frames[0].split(' ', 1)[-1][:80] if frames else '?', kernel

stack = []
def flush():
    global samples
    if not stack:
        return
    samples += 1
    comp, name, kernel = classify(stack)
    component[comp] += 1
    method[f'{comp}: {name}'] += 1
    if kernel:
        kernel_in[comp] += 1
    stack.clear()

with open(path, errors='replace') as f:
    for line in f:
        if line.startswith('\t') or line.startswith(' '):
            stack.append(line.strip())
        elif line.strip():
            flush()
        else:
            flush()
flush()
print(f'{samples} samples')
print('| part | share of server CPU | of which in the kernel |')
print('|---|---|---|')
for comp, n in component.most_common():
    print(f'| {comp} | {100*n/samples:.1f} % | {100*kernel_in[comp]/samples:.1f} % |')
print()
for name, n in method.most_common(top):
    print(f'{100*n/samples:5.1f} %  {name}')
