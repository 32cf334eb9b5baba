#!/bin/sh
# bench/appt_checkin: appointments (issue #12) end to end on loopback, durable.
#
#   1. import: BENCH_APPTS (10,000) appointments from a CSV file with
#      `kiosk admin appointments import`, then the same file again (nothing
#      changes): wall time of each;
#   2. check-in: 8 kiosks (8 threads of one Python client, each its own
#      keep-alive connection and device key) check in BENCH_CHECKINS (800)
#      of today's appointments, in their window; p50, p99 and the slowest,
#      measured by the client around each request (the client's own time
#      included: a floor for what a kiosk sees).
#
#   BENCH_DIR=/var/tmp BENCH_APPTS=10000 BENCH_CHECKINS=800 sh bench/appt_checkin.sh
. "$(dirname "$0")/../tests/lib.sh"
need_build "$K"
need_tool python3
APPTS=${BENCH_APPTS:-10000}
CHECKINS=${BENCH_CHECKINS:-800}
kit_tmp bench_appt "${BENCH_DIR:-${TMPDIR:-/tmp}}"
echo "machine: $(nproc) CPUs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

{
	printf '[site]\nid = bench\nname = Bench\ntimezone = Europe/Paris\n'
	for d in mon tue wed thu fri sat sun; do echo "$d = 00:00-24:00"; done
	printf '[service A]\nname = A\ncapacity = 9999\nappointments = 9999\n'
	printf '[service B]\nname = B\ncapacity = 9999\nbind_holder = yes\nappointments = 9999\n'
	printf '[counter 1]\nservices = A B\n[alerts]\nburst_per_minute = 0\n'
} >"$tmp/site.ini"
DB=$tmp/q.db
site_init "$DB" "$tmp/site.ini"
for k in 1 2 3 4 5 6 7 8; do
	device_add "$DB" "kiosk-$k"
	echo "$KEY" >>"$tmp/keys"
done

# CHECKINS appointments today, in their window (starting in 5 minutes), the
# rest spread over the next ten days; a third bound to a document number.
python3 - "$tmp/appts.csv" "$APPTS" "$CHECKINS" <<'EOF'
import sys, time
path, n, today_n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = int(time.time())
with open(path, 'w') as f:
    f.write('id,service,start,duration_min,code,holder,lang,status\n')
    for i in range(n):
        start = now + 300 if i < today_n else now + 86400 * (1 + i % 10) + (i // 10 % 400) * 60
        svc, holder = ('A', '') if i < today_n or i % 3 else ('B', 'X%07d' % i)
        t = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(start))
        f.write('b-%d,%s,%s,20,C%07d,%s,,booked\n' % (i, svc, t, i, holder))
EOF
for pass in first again; do
	s=$(now_ms)
	"$K" admin --db "$DB" appointments import "$tmp/appts.csv" >"$tmp/import.out" 2>&1 ||
		fail "import: $(cat "$tmp/import.out")"
	echo "import ($pass): $(($(now_ms) - s)) ms: $(sed 's/^[^:]*: //' "$tmp/import.out")"
done

serve_start bench "$DB"
python3 - "$SERVER_PORT" "$tmp/keys" "$CHECKINS" <<'EOF'
import http.client, json, sys, threading, time
port, keys, n = int(sys.argv[1]), open(sys.argv[2]).read().split(), int(sys.argv[3])
lat, bad = [], []
def kiosk(k):
    c = http.client.HTTPConnection('127.0.0.1', port)
    for i in range(k, n, len(keys)):
        body = json.dumps({'code': 'C%07d' % i, 'lang': 'fr'})
        t = time.perf_counter()
        c.request('POST', '/api/v1/appointments/checkin', body,
                  {'Authorization': 'Bearer ' + keys[k], 'Content-Type': 'application/json'})
        r = c.getresponse(); r.read()
        lat.append(time.perf_counter() - t)
        if r.status != 201: bad.append(r.status)
t0 = time.perf_counter()
th = [threading.Thread(target=kiosk, args=(k,)) for k in range(len(keys))]
[x.start() for x in th]; [x.join() for x in th]
wall = time.perf_counter() - t0
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
print('check-in, %d kiosks: %d in %.2f s (%.0f/s); p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d not 201'
      % (len(keys), len(lat), wall, len(lat) / wall, q(0.5), q(0.99), lat[-1] * 1000, len(bad)))
sys.exit(1 if bad else 0)
EOF
