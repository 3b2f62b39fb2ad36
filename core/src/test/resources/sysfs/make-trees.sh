#!/bin/sh
# Regenerates the small fake sysfs trees used by the topology tests (the 128-CPU tree is built by FakeSysfs.java).
# Usage: sh make-trees.sh   (run from this folder; rewrites sparse-offline/, no-cache/, container/)
set -eu
cd "$(dirname "$0")"

w() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }
# topo TREE CPU PACKAGE CORE SIBLINGS [old]   ("old": only thread_siblings_list, as kernels before 5.x)
topo() {
  d="$1/devices/system/cpu/cpu$2/topology"
  w "$d/physical_package_id" "$3"; w "$d/core_id" "$4"; w "$d/thread_siblings_list" "$5"
  [ "${6:-}" = old ] || w "$d/core_cpus_list" "$5"
}
# cache TREE CPU INDEX LEVEL TYPE SHARED
cache() {
  d="$1/devices/system/cpu/cpu$2/cache/index$3"
  w "$d/level" "$4"; w "$d/type" "$5"; w "$d/shared_cpu_list" "$6"
}
# core4 TREE CPU SIBLINGS L3   (L1d, L1i, L2 per core, L3 shared)
core4() {
  cache "$1" "$2" 0 1 Data "$3"; cache "$1" "$2" 1 1 Instruction "$3"
  cache "$1" "$2" 2 2 Unified "$3"; cache "$1" "$2" 3 3 Unified "$4"
}

# (b) sparse-offline: 12 possible CPUs, cores {k, k+6}; 1,4,6,7,9 offline.
#     Package 0 = cores 0-2 (one L3, node 0), package 1 = cores 3-5 (one L3, node 1).
t=sparse-offline; rm -rf $t
w $t/devices/system/cpu/online "0,2-3,5,8,10-11"
w $t/devices/system/cpu/possible "0-11"
for c in 1 4 6 7 9; do w $t/devices/system/cpu/cpu$c/online 0; done
topo $t 0 0 0 0;        core4 $t 0 0 "0,2,8"
topo $t 2 0 2 2,8;      core4 $t 2 2,8 "0,2,8"
topo $t 8 0 2 2,8;      core4 $t 8 2,8 "0,2,8"
topo $t 3 1 0 3;        core4 $t 3 3 "3,5,10-11"
topo $t 10 1 1 10;      core4 $t 10 10 "3,5,10-11"
topo $t 5 1 2 5,11;     core4 $t 5 5,11 "3,5,10-11"
topo $t 11 1 2 5,11;    core4 $t 11 5,11 "3,5,10-11"
w $t/devices/system/node/node0/cpulist "0,2,8"
w $t/devices/system/node/node1/cpulist "3,5,10-11"

# (c) no-cache: 6 CPUs, cores {0,1} {2,3} {4,5}, old kernel (thread_siblings_list only), no NUMA folder.
#     CPUs 0-2 report an L3 over 0-3; cpu3 has no cache folder, cpu4 an empty one, cpu5 none.
t=no-cache; rm -rf $t
w $t/devices/system/cpu/online "0-5"
topo $t 0 0 0 0-1 old; core4 $t 0 0-1 0-3
topo $t 1 0 0 0-1 old; core4 $t 1 0-1 0-3
topo $t 2 0 1 2-3 old; core4 $t 2 2-3 0-3
topo $t 3 0 1 2-3 old
topo $t 4 0 2 4-5 old; w $t/devices/system/cpu/cpu4/cache/uevent ""   # a cache folder with no index*
topo $t 5 0 2 4-5 old

# (d) container: an 8-CPU host (cores {k, k+4}, node 0 = 0-1,4-5, node 1 = 2-3,6-7, one L3 per node)
#     whose process may only use 1-2,5 (proc-self-status, as /proc/self/status in the container).
t=container; rm -rf $t
w $t/devices/system/cpu/online "0-7"
for c in 0 1 2 3 4 5 6 7; do
  k=$((c % 4)); s="$k,$((k + 4))"
  if [ $k -lt 2 ]; then l3="0-1,4-5"; else l3="2-3,6-7"; fi
  topo $t $c 0 $k "$s"; core4 $t $c "$s" "$l3"
done
w $t/devices/system/node/node0/cpulist "0-1,4-5"
w $t/devices/system/node/node1/cpulist "2-3,6-7"
printf 'Name:\tjava\nCpus_allowed:\t26\nCpus_allowed_list:\t1-2,5\nMems_allowed_list:\t0-1\n' > $t/proc-self-status
