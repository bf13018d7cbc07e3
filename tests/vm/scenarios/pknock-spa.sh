#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=pknock smp=1 timeout=300
# SPA with our xt_pknock (upstream's rule pair: --knockports 4000 --name FTP --opensecret foo
# --closesecret bar --autoclose 240 -j DROP, then --checkip --name FTP --dport 21), IPv4 and
# IPv6, both backends, our plugin. The payloads
# were computed on the HOST by Python's hmac module, independently of our code, for minute
# M = 29930880 (2026-11-28 08:00 UTC); the guest's wall clock is set into that minute:
#   python3 -c 'import hmac,hashlib,struct,socket,sys; f=socket.AF_INET6 if ":" in sys.argv[2]
#     else socket.AF_INET; print(hmac.new(sys.argv[1].encode(), socket.inet_pton(f, sys.argv[2])
#     + struct.pack("<I", int(sys.argv[3])), hashlib.sha256).hexdigest())' SECRET SRC MINUTE
# Wrong secret, wrong source, a stale minute (M-2), truncated (64), oversized (66), garbage
# and empty payloads are refused; the open packet admits port 21, the close packet closes it,
# the open packet replayed does nothing; a packet for the previous minute (M-1) is accepted
# (checked over IPv4). Then with peer_limit=2: a peer that used SPA minutes and then knocked
# once on a same-name knock rule is never evicted by first knocks (its replay protection
# would go with it).
# Upstream's module is never sent an SPA packet (3.23 panics on the first one).
. /vm/lib.sh
PK=/proc/net/xt_pknock
M=29930880
O2=fb00f8f19b7fd114061683b3c4e3ef833a425836783395587f00b2a13aae2501 # foo 127.0.0.2 M
C2=f85262f149a5147de7c4ab299c403a335d0aac8de35af8219eccae46a70d365f # bar 127.0.0.2 M
W2=549b5890c151d3153afd5d6717c397d0931bb1a01fa41792b7b0cd16c70d8834 # wrong 127.0.0.2 M
S2=a1d84a166f3671350ddaa9d80cd042816534f655190e28c2848b15bc91224444 # foo 127.0.0.2 M-2
P4=02a3d9196c7187a4680c1b15b2c2cdf3ca92b564dcd943198504268e05b13237 # foo 127.0.0.4 M-1
O6=efcb5f251cbb66e01aadf2b8d71ce8d8de153ad72828b175fd3a7640eeb2308f # foo fd00::2 M
C6=57da931671bf95e794e230bad1e3174b11e7365e8bfd83914c1d93026f5785f2 # bar fd00::2 M
W6=25118931d43e19d942d14fd85dab2775ac762fd0aa4c10af5d0f23de2c8d4247 # wrong fd00::2 M
S6=aad179f05418cdeb671ad92c6ef3a32b58b4467b494bb8c69795f94196ff1e46 # foo fd00::2 M-2

ip -6 addr add fd00::1/128 dev lo
for i in 2 3; do ip -6 addr add fd00::$i/128 dev lo; done
socat TCP6-LISTEN:21,ipv6only=0,reuseaddr,fork SYSTEM:'echo hi' 2>/dev/null &
wait_for 60 listening 21 || fail "the server on port 21 is not listening"

dst() { case $1 in *:*) echo fd00::1 ;; *) echo 127.0.0.1 ;; esac; }
# reach SRC: "hi" when a TCP connection from SRC to port 21 gets through, nothing when the
# DROP rule for port 21 dropped it (lib.sh's tcp_answer: it waits on state, not on a timeout).
reach() { tcp_answer "$1" "$(dst "$1")" 21; }
status() {
	awk -v s="src=$2" '$1 == s { sub("status=", "", $3); print $3; f = 1 } END { if (!f) print "none" }' $PK/"$1"
}

# spa T SRC PAYLOAD [rawudp options]: one datagram to port 4000 from SRC; a FAIL unless it
# arrived.
spa() {
	local t=$1 src=$2 payload=$3 n
	shift 3
	n=$(arrived "$src")
	if [ "$t" = ipt ]; then
		rawudp -s "$src" -d "$(dst "$src")" -p 4000 -m "$payload" "$@"
	else
		rawudp -6 -s "$src" -d "$(dst "$src")" -p 4000 -m "$payload" "$@"
	fi
	wait_arrived "$src" $((n + 1)) || fail "SPA datagram from $src did not arrive"
}

# counted T: packets that reached the counting rule for port 4000 (rule 1).
counted() { "$1" -L INPUT 1 -v -x -n | awk '{ print $1 }'; }

spa_mode() {
	local t=$1 v=$2 a b open close wrong stale what before
	case $t in
	ipt) a=127.0.0.2 b=127.0.0.3 open=$O2 close=$C2 wrong=$W2 stale=$S2 ;;
	ip6t) a=fd00::2 b=fd00::3 open=$O6 close=$C6 wrong=$W6 stale=$S6 ;;
	esac
	what="$BE $t $v plugin"
	date -s "@$((M * 60 + 5))" >/dev/null
	check "$what: count datagrams to 4000" $t -A INPUT -p udp --dport 4000
	check "$what: SPA rule" $t -A INPUT -p udp -m pknock --knockports 4000 --name FTP --opensecret foo --closesecret bar --autoclose 240 -j DROP
	check "$what: --checkip rule" $t -A INPUT -p tcp -m pknock --checkip --name FTP -m tcp --dport 21 -j ACCEPT
	check "$what: DROP port 21" $t -A INPUT -p tcp --dport 21 -j DROP
	check_eq "$what: port 21 closed at first" "" "$(reach $a)"

	before=$(counted $t)
	spa $t $a "${wrong}x"                    # secret "wrong"
	spa $t $a "${stale}x"                    # minute M-2
	spa $t $b "${open}x"                     # right packet, wrong source
	spa $t $a "$(echo $open | cut -c1-64)"   # no trailing byte: 64
	spa $t $a "${open}xy"                    # 66
	spa $t $a "$(head -c 65 /dev/zero | tr '\0' z)"  # garbage
	spa $t $a "${close}x"                    # close while not open
	spa $t $a ""                             # empty
	check_eq "$what: 8 refused datagrams reached the rule" $((before + 8)) "$(counted $t)"
	check_eq "$what: ... none of them opened" none "$(status FTP $a)"
	check_eq "$what: ... nor for $b" none "$(status FTP $b)"

	spa $t $a "${open}x"
	check_eq "$what: open packet: ALLOWED" ALLOWED "$(status FTP $a)"
	check "$what: /proc line: UDP, 1 knock, 240 min autoclose" \
		sh -c "grep -qxE 'src=$a proto=UDP status=ALLOWED accepted_knock_count=1 autoclose_time=14[34][0-9][0-9] \[secs\] ' $PK/FTP"
	check_eq "$what: port 21 open for $a" hi "$(reach $a)"
	check_eq "$what: port 21 still closed for $b" "" "$(reach $b)"
	spa $t $a "${close}x"
	check_eq "$what: close packet: INIT" INIT "$(status FTP $a)"
	check_eq "$what: port 21 closed again" "" "$(reach $a)"
	spa $t $a "${open}x"
	check_eq "$what: replayed open packet refused" INIT "$(status FTP $a)"
	if [ $t = ipt ]; then
		spa $t 127.0.0.4 "${P4}x"
		check_eq "$what: packet for the previous minute accepted" ALLOWED "$(status FTP 127.0.0.4)"
	fi
	$t -F INPUT
}

# knock SRC PORT: one UDP datagram from SRC to 127.0.0.1:PORT; a FAIL unless it arrived.
knock() {
	local n
	n=$(arrived "$1")
	rawudp -s "$1" -d 127.0.0.1 -p "$2" -m k
	wait_arrived "$1" $((n + 1)) || fail "knock from $1 did not arrive"
}
stat_field() { sed -n "s/^name=FTP .*$1=\([0-9]*\).*/\1/p" /proc/net/xt_pknock_stats; }

# spa_evict: xt_pknock loaded with peer_limit=2 (and peer_hashsize=3, which it keeps). An SPA
# rule FTP and a UDP knock rule of the same name FTP share one peer table. 127.0.0.2 opens
# and closes with SPA (minute M used), then knocks once on the knock rule: a first-knock peer
# that remembers SPA minutes. First knocks from three spoofed sources fill the table: two
# first-knock peers are evicted, never 127.0.0.2, and the captured open packet replayed
# still opens nothing (before, 127.0.0.2 was the oldest first-knock peer and was evicted,
# and the replay then opened port 21).
spa_evict() {
	local what="$BE: peer_limit=2" a=127.0.0.2 i
	date -s "@$((M * 60 + 5))" >/dev/null
	check_eq "$what: an explicit peer_hashsize is kept" 3 "$(cat /sys/module/xt_pknock/parameters/peer_hashsize)"
	check "$what: SPA rule" ipt -A INPUT -p udp -m pknock --knockports 4000 --name FTP --opensecret foo --closesecret bar --autoclose 240 -j DROP
	check "$what: knock rule of the same name" ipt -A INPUT -p udp -m pknock --knockports 5001,5002 --name FTP --time 60 -j DROP
	spa ipt $a "${O2}x"
	check_eq "$what: SPA open: ALLOWED" ALLOWED "$(status FTP $a)"
	spa ipt $a "${C2}x"
	check_eq "$what: SPA close: INIT" INIT "$(status FTP $a)"
	knock $a 5001
	check_eq "$what: first knock on the same-name rule: MATCHING" MATCHING "$(status FTP $a)"
	for i in 1 2 3; do knock 10.9.0.$i 5001; done
	check_eq "$what: the table stayed full (2 peers)" 2 "$(stat_field peers)"
	check_eq "$what: two first-knock peers evicted" 2 "$(stat_field evicted)"
	check_eq "$what: the newest first-knock peer is kept" MATCHING "$(status FTP 10.9.0.3)"
	check_eq "$what: the peer with SPA minutes was not evicted" MATCHING "$(status FTP $a)"
	spa ipt $a "${O2}x"
	check_eq "$what: the captured open packet replayed opens nothing" MATCHING "$(status FTP $a)"
	ipt -F INPUT
}

# Our plugin (it also drives ip6tables); upstream's plugin with our module is pknock-interop.
v=ours
for BE in $BACKENDS; do
	lab_reset
	use_plugins $v || continue
	load_module ours xt_pknock || { fail "$BE: load our xt_pknock"; continue; }
	check_eq "$BE: peer_hashsize from peer_limit 4096: 1024" 1024 "$(cat /sys/module/xt_pknock/parameters/peer_hashsize)"
	spa_mode ipt $v
	spa_mode ip6t $v
	unload xt_pknock
	load_module ours xt_pknock peer_limit=2 peer_hashsize=3 || { fail "$BE: load our xt_pknock peer_limit=2"; continue; }
	spa_evict
done
lab_reset
finish
