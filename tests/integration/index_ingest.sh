#!/bin/sh
# SPDX-License-Identifier: MIT
# index add, on SQLite and on PostgreSQL alike: good bundles are added
# once (by sha256), tampered and hostile ones are refused with the check
# that caught them and leave nothing behind, a directory is searched
# without following symlinks or taking files being written, signatures are
# checked against --allowed-signers, a database that fails in the middle
# of a bundle keeps none of it, and two processes adding the same bundles
# at once store each once.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/index-lib.sh"
need_cmd zstd ssh-keygen sqlite3

B="$T/bundles"
index_fixture_bundles "$B/good"
GOOD=3

# Signed: alice (trusted) and bob (not in allowed_signers).
K="$T/keys"
mkdir -p "$K" "$B/signed"
for who in alice bob; do
	ssh-keygen -q -t ed25519 -N '' -C "$who@example" -f "$K/$who" || fail "ssh-keygen"
done
printf 'alice@example namespaces="nest-report" %s\n' "$(cut -d' ' -f1,2 "$K/alice.pub")" >"$K/allowed"
cp "$B/good/intel-before.tar.zst" "$B/signed/by-alice.tar.zst"
cp "$B/good/intel-after.tar.zst" "$B/signed/by-bob.tar.zst"
run_nr sign "$B/signed/by-alice.tar.zst" --sign-key "$K/alice"
expect_rc 0 "sign as alice"
run_nr sign "$B/signed/by-bob.tar.zst" --sign-key "$K/bob"
expect_rc 0 "sign as bob"

# Tampered: one byte of a member's data changed (an uncompressed copy, so
# the byte is found), and manifests that break the schema.
mkdir -p "$B/tampered"
zstd -dcq "$B/good/intel-before.tar.zst" >"$B/tampered/flipped.tar"
"$PY" - "$B/tampered/flipped.tar" <<'EOF' || fail "cannot flip a byte"
import sys, tarfile
path = sys.argv[1]
with tarfile.open(path) as t:
    m = next(m for m in t.getmembers() if m.name.endswith("/cpu/cpuinfo"))
with open(path, "r+b") as f:
    f.seek(m.offset_data)
    b = f.read(1)
    f.seek(m.offset_data)
    f.write(bytes([b[0] ^ 0x01]))
EOF
"$PY" "$SYNTH" set "$B/tampered/depth-string.tar.zst" "$B/good/intel-before.tar.zst" 'l0:depth="0"' || fail synth
"$PY" "$SYNTH" set "$B/tampered/levels-string.tar.zst" "$B/good/intel-before.tar.zst" 'levels="l0"' || fail synth
"$PY" "$SYNTH" set "$B/tampered/facts-null.tar.zst" "$B/good/intel-before.tar.zst" 'l0:facts.kvm=null' || fail synth
"$PY" "$SYNTH" set "$B/tampered/other-schema.tar.zst" "$B/good/intel-before.tar.zst" \
	'schema="urn:nest-report:schema:manifest:99"' || fail synth

# Hostile: the archive corpus verify refuses, and manifests that pass
# verify but not the index's caps (tests/index/synth.py hostile).
missing=$("$PY" "$TESTS_DIR/hostile/make-corpus.py" "$B/good/intel-before.tar.zst" "$B/hostile") ||
	fail "make-corpus.py"
rm -f "$B/hostile/member-over-cap.tar.zst" "$B/hostile/total-over-cap.tar.zst"   # slow to refuse; verify_hostile has them
# One bundle per manifest field mutant: some are valid by design (an optional
# field removed); hostile_manifest.sh judges them, not the index.
rm -rf "$B/hostile/fields"
# padding-ok: zeros after the tar end, a good bundle by design (verify_hostile).
rm -f "$B/hostile/padding-ok.tar.zst"
"$PY" "$SYNTH" hostile "$B/good/intel-before.tar.zst" "$B/caps" || fail "synth hostile"
HOSTILE=$(ls "$B/hostile" | wc -l | tr -d ' ')

# A directory as an intake directory holds it: nested, with files being
# written (.NAME.tmp-*, .NAME.part), a hidden directory, a symlink, a FIFO,
# a signature and notes, none of them bundles to take.
W="$T/intake"
mkdir -p "$W/2025/01" "$W/.staging"
cp "$B/good/intel-before.tar.zst" "$W/2025/01/a.tar.zst"
cp "$B/good/firecracker.tar.zst" "$W/b.tar.zst"
cp "$B/good/intel-after.tar.zst" "$W/.b.tar.zst.part"
cp "$B/good/intel-after.tar.zst" "$W/.staging/c.tar.zst"
ln -s "$B/good/intel-after.tar.zst" "$W/link.tar.zst"
mkfifo "$W/fifo.tar.zst" || fail "mkfifo"
echo notes >"$W/README.txt"
echo sig >"$W/b.tar.zst.sig.txt"

SQ="$T/index.sqlite"
pg_start
PG=$(pg_createdb nrtest)

count() { # DB TABLE: rows in TABLE
	case $1 in
	postgresql:*) pg_sql "$1" "SELECT count(*) FROM $2" ;;
	*) sqlite3 "$1" "SELECT count(*) FROM $2" ;;
	esac
}

counts() { # DB: rows of every table, one line
	echo "$(count "$1" nr_bundles) $(count "$1" nr_facts) $(count "$1" nr_words) $(count "$1" nr_findings)" \
		"$(count "$1" nr_features) $(count "$1" nr_manifests)"
}

# outcome PATH-SUFFIX: outcome, check and reason of that bundle in the add --json answer $T/out.
outcome() {
	jget "$T/out" "' '.join(str(x) for b in m['bundles'] if b['path'].endswith('/$1') for x in (b['outcome'], b['check'], b['reason']))"
}

expect_outcome() { # SUFFIX OUTCOME CHECK REASON-SUBSTRING
	_got=$(outcome "$1")
	case $_got in
	"$2 $3 "*"$4"*) ;;
	*) show "$T/out" 30; fail "$TAG: $1: expected '$2 $3 ...$4...', got '$_got'" ;;
	esac
}

valid() {
	"$PY" "$TESTS_DIR/validate-json.py" "$SRC_DIR/schemas/index.schema.json" "$T/out" >"$T/v.err" 2>&1 ||
		{ show "$T/v.err"; fail "$TAG: $1: not valid against index.schema.json"; }
}

suite() {
	DB=$1 TAG=$2
	# Good ones, then the same again: known, nothing more stored.
	ix "$DB" add "$B/good" --json
	expect_rc 0 "$TAG: add good"
	valid add
	assert_eq "$(jget "$T/out" "(m['added'], m['known'])")" "[$GOOD, 0]" "$TAG: good bundles added"
	before=$(counts "$DB")
	ix "$DB" add "$B/good" --json
	expect_rc 0 "$TAG: add good again"
	assert_eq "$(jget "$T/out" "(m['added'], m['known'])")" "[0, $GOOD]" "$TAG: the same bundles again"
	assert_eq "$(counts "$DB")" "$before" "$TAG: adding again stores nothing"

	# Tampered and hostile: refused, each by its check, nothing stored.
	ix "$DB" add "$B/tampered" "$B/hostile" "$B/caps" --json
	expect_rc 3 "$TAG: add tampered and hostile"
	valid add-hostile
	expect_outcome flipped.tar refused members "member 'levels/l0/cpu/cpuinfo': sha256 differs"
	expect_outcome depth-string.tar.zst refused schema "levels/0/depth"
	expect_outcome levels-string.tar.zst refused members "is not listed in the manifest"
	expect_outcome facts-null.tar.zst refused schema "facts/kvm"
	expect_outcome other-schema.tar.zst refused schema "does not know"
	expect_outcome abs-path.tar.zst refused archive "member '/etc/evil': absolute path"
	expect_outcome symlink.tar.zst refused archive "symlink, not a regular file"
	expect_outcome truncated.tar.zst refused archive "truncated archive"
	expect_outcome manifest-deep.tar.zst refused archive "nested more than 64 levels deep"
	expect_outcome unlisted.tar.zst refused members "is not listed in the manifest"
	expect_outcome missing.tar.zst refused members "'$missing' is listed in the manifest but not in the bundle"
	expect_outcome too-many-levels.tar.zst refused content "65 levels, more than 64"
	expect_outcome too-many-facts.tar.zst refused content "more than 4096 facts"
	expect_outcome long-fact-name.tar.zst refused content "longer than 128 bytes"
	expect_outcome duplicate-level.tar.zst refused content "level 'l0' appears twice"
	assert_eq "$(jget "$T/out" "(m['refused'], m['added'])")" "[$((HOSTILE + 9)), 1]" \
		"$TAG: every tampered and hostile bundle refused but strange-strings"
	expect_outcome strange-strings.tar.zst added None None
	# What strange-strings stored: its values as text, not as SQL.
	ix_ok "$DB" query --fact "hostname=x'); DROP TABLE nr_bundles; --" --json
	assert_eq "$(jget "$T/out" "m['total']")" 1 "$TAG: a hostname of SQL is a value"
	ix_ok "$DB" query --fact 'kvm.params.kvm.quoted=it'"'"'s "quoted" ? $1 %s \' --json
	assert_eq "$(jget "$T/out" "m['total']")" 1 "$TAG: quotes, ? and \$1 stored as they are"
	ix_ok "$DB" query --fact 'kvm.params.kvm.nul=before?after' --fact 'kvm.params.kvm.unicode=ünïcødé ✓' --json
	assert_eq "$(jget "$T/out" "m['total']")" 1 "$TAG: a NUL is a '?', UTF-8 stays"
	ix_ok "$DB" query --fact "kernel.cmdline~$(printf 'a%.0s' $(seq 1024))" --json
	assert_eq "$(jget "$T/out" "m['total']")" 1 "$TAG: a long value is kept to 1 KiB"
	assert_eq "$(count "$DB" "nr_facts WHERE key = 'kernel.cmdline' AND length(value) > 1024")" 0 \
		"$TAG: ... and no more"
	assert_eq "$(count "$DB" "nr_bundles WHERE created IS NULL")" 1 "$TAG: an impossible created is no time"
	assert_eq "$(count "$DB" nr_bundles)" $((GOOD + 1)) "$TAG: bundles stored"

	# Signatures: without --allowed-signers, noted; with it, checked.
	ix "$DB" add "$B/signed" --json
	expect_rc 0 "$TAG: signed bundles, not checked"
	assert_eq "$(jget "$T/out" "m['known']")" 2 "$TAG: a signed copy is the same bundle (its sha256)"
	DB2=$DB.signed
	case $DB in postgresql:*) DB2=$(pg_createdb "nrsigned$$$TAG") ;; esac
	ix "$DB2" add "$B/signed" "$B/good/firecracker.tar.zst" --allowed-signers "$K/allowed" --json
	expect_rc 3 "$TAG: bob and unsigned refused with allowed signers"
	expect_outcome by-alice.tar.zst added None None
	assert_eq "$(jget "$T/out" "[b['signature'] for b in m['bundles'] if b['path'].endswith('by-alice.tar.zst')][0]")" \
		good "$TAG: alice's signature is good"
	expect_outcome by-bob.tar.zst refused signature "bad signature"
	expect_outcome firecracker.tar.zst refused signature "unsigned"
	ix_ok "$DB2" query --json
	assert_eq "$(jget "$T/out" "[b['signature'] for b in m['bundles']]")" \
		'[{"key": "'"$(ssh-keygen -lf "$K/alice.pub" | cut -d' ' -f2)"'", "principal": "alice@example", "status": "good"}]' \
		"$TAG: the signer is stored"

	# A directory, as an intake directory holds it.
	DB3=$DB.intake
	case $DB in postgresql:*) DB3=$(pg_createdb "nrintake$$$TAG") ;; esac
	ix "$DB3" add "$W" --json
	expect_rc 0 "$TAG: add an intake directory"
	assert_eq "$(jget "$T/out" "[b['path'][len('$W') + 1:] for b in m['bundles']]")" '["2025/01/a.tar.zst", "b.tar.zst"]' \
		"$TAG: only the bundles of the directory, in order"

	# Unreadable: listed, exit 1, the others still added; a FIFO named as
	# a bundle does not make it wait for a writer.
	ix "$DB3" add "$T/no-such.tar.zst" "$W/fifo.tar.zst" "$B/good/intel-after.tar.zst" --json
	expect_rc 1 "$TAG: a missing file"
	expect_outcome no-such.tar.zst unreadable file "No such file or directory"
	expect_outcome fifo.tar.zst unreadable file "is not a regular file"
	expect_outcome intel-after.tar.zst added None None
	note "$TAG: ok"
}

suite "$SQ" sqlite
suite "$PG" postgresql

# --dry-run reads and judges, stores nothing, opens no database.
ix "$T/dry.sqlite" add "$B/good" "$B/caps" --dry-run --json
expect_rc 3 "add --dry-run"
assert_eq "$(jget "$T/out" "(m['added'], m['refused'], m['db'], m['dry_run'])")" "[4, 4, null, true]" "dry run"
[ ! -e "$T/dry.sqlite" ] || fail "--dry-run created the database"

# A database that fails in the middle of a bundle keeps none of it: a
# trigger (SQLite) and a missing privilege (PostgreSQL) refuse the findings
# rows, after the bundle, fact and feature rows went in.
F="$T/fault.sqlite"
ix_ok "$F" query
sqlite3 "$F" "CREATE TRIGGER no_findings BEFORE INSERT ON nr_findings BEGIN SELECT RAISE(ABORT, 'findings refused'); END"
ix "$F" add "$B/good"
expect_rc 1 "add into a database that fails"
grep -q "findings refused" "$T/err" || { show "$T/err"; fail "sqlite: the database's error is not shown"; }
grep -q "3 bundles were not stored: .*findings refused" "$T/err" || { show "$T/err"; fail "sqlite: the stop is not said"; }
assert_eq "$(counts "$F")" "0 0 0 0 0 0" "sqlite: nothing of the failed bundle is stored"
PF=$(pg_createdb nrfault)
ix_ok "$PF" query
pg_sql "$PF" "CREATE ROLE limited LOGIN; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO limited;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO limited;
	REVOKE INSERT ON nr_findings FROM limited" >/dev/null || fail "cannot make the limited role"
ix "$(echo "$PF" | sed 's/user=postgres/user=limited/')" add "$B/good"
expect_rc 1 "add as a role that may not insert findings"
grep -q "permission denied" "$T/err" || { show "$T/err"; fail "postgresql: the database's error is not shown"; }
assert_eq "$(counts "$PF")" "0 0 0 0 0 0" "postgresql: nothing of the failed bundle is stored"

# Two processes adding the same bundles at once: each stored once.
for DB in "$T/race.sqlite" "$(pg_createdb nrrace)"; do
	"$NR_BIN" index add --db "$DB" "$B/good" "$B/signed" --json >"$T/r1" 2>"$T/r1.err" &
	p1=$!
	"$NR_BIN" index add --db "$DB" "$B/signed" "$B/good" --json >"$T/r2" 2>"$T/r2.err" &
	p2=$!
	wait_pid_exit $p1 120
	[ "$RC" -eq 0 ] || { show "$T/r1.err"; fail "racing add 1: exit $RC"; }
	wait_pid_exit $p2 120
	[ "$RC" -eq 0 ] || { show "$T/r2.err"; fail "racing add 2: exit $RC"; }
	assert_eq "$(($(jget "$T/r1" "m['added']") + $(jget "$T/r2" "m['added']")))" $GOOD "racing adds: added once each"
	assert_eq "$(count "$DB" nr_bundles)" $GOOD "racing adds: bundles stored"
done
exit 0
