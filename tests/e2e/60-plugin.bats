#!/usr/bin/env bats
# engines: both
#
# 60-plugin: plugins and #load, in a real terminal (tmux) on the engine in
# $PAKS_ENGINE, and the #sbom plugin built with paks.
# Covers: paks plugin list/install/remove and their bad input; #load and
# the plugins setting; plugin commands in #help, in the bash hook's list
# for pasted blocks, and run like built-ins with PAKS_* and fd-3 exports
# (exact values, never on screen); a plugin in shell and one in C; a
# failing, a clashing, a hanging (plugin_timeout, Ctrl-C) and a crashing
# plugin; #sbom against dpkg-query on Debian, on busybox (empty, then an
# apk database) and with a Python package, each document checked against
# the schemas in tests/data/schemas.
# Exercises: src/plugin/plugin.c, src/host/host-plugin.c,
# src/inside/hash-load.c, src/cmd.c, src/session/session.c, plugins/sbom/.

load lib/helpers

# the build directory tests/run uses (BUILD_DIR, relative to the tree)
PK_BUILD=${BUILD_DIR:-build}
[[ $PK_BUILD == /* ]] || PK_BUILD=$PK_ROOT/$PK_BUILD
PK_DATA=$PK_ROOT/tests/data/plugins
PK_SCHEMAS=$PK_ROOT/tests/data/schemas

# A python3 that has jsonschema (Debian's python3-jsonschema).
pk_python() {
	local py
	for py in /usr/bin/python3 python3; do
		if "$py" -c 'import jsonschema' 2>/dev/null; then
			echo "$py"
			return 0
		fi
	done
	echo "no python3 with jsonschema (apt-get install python3-jsonschema)" >&2
	return 1
}

setup_file() {
	pk_require_engine
	pk_python >/dev/null
	local f
	for f in "$PK_BUILD/tests/cgreet" "$PK_BUILD/plugins/sbom/sbom"; do
		if [[ ! -x $f ]]; then
			echo "$f is not built; run ninja -C $PK_BUILD" >&2
			return 1
		fi
	done
}

setup() {
	pk_setup
	export PAKS_SYSTEM_PLUGINS=$BATS_TEST_TMPDIR/system
	mkdir -p "$PAKS_SYSTEM_PLUGINS" "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	# what hello-export sends: every awkward byte
	TRICKY=$'a \'q\' "dq" $(id) `id` \\ x=y\nsecond line SECRETMARK'
}

teardown() {
	pk_teardown
}

# validate DOC SCHEMA: the document satisfies the JSON schema.
validate() {
	"$(pk_python)" - "$1" "$2" <<'PY'
import json, sys
import jsonschema
doc = json.load(open(sys.argv[1]))
schema = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator.check_schema(schema)
errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
for e in errors[:5]:
    print("invalid at /%s: %s" % ("/".join(map(str, e.absolute_path)),
                                  e.message[:200]))
sys.exit(1 if errors else 0)
PY
}

sha() {
	printf '%s' "$1" | sha256sum | cut -c1-16
}

no_secret_on_screen() {
	if pk_screen | grep -q SECRETMARK; then
		pk_dump
		return 1
	fi
}

start_shell() {
	pk_start "$@"
	pk_wait_for '[#$] *$'
	pk_line 'echo READY'
	pk_wait_for '^READY$'
}

install_data() {
	"$PAKS" plugin install "$PK_DATA/$1" >/dev/null
}

# The C test plugin: its manifest and the binary tests/meson.build built.
install_cgreet() {
	local d=$BATS_TEST_TMPDIR/src/cgreet
	mkdir -p "$d"
	cp "$PK_DATA/cgreet/plugin.yml" "$PK_BUILD/tests/cgreet" "$d/"
	"$PAKS" plugin install "$d" >/dev/null
}

# sbom as the system-wide plugin `ninja install` puts in place.
install_sbom() {
	mkdir -p "$PAKS_SYSTEM_PLUGINS/sbom"
	cp "$PK_ROOT/plugins/sbom/plugin.yml" "$PK_BUILD/plugins/sbom/sbom" \
	    "$PAKS_SYSTEM_PLUGINS/sbom/"
}

@test "paks plugin: list, install, remove, and bad input" {
	run "$PAKS" plugin --help
	[[ $status -eq 0 && ${lines[0]} == "usage: paks plugin list|install|remove"* ]]
	run "$PAKS" plugin list
	[[ $status -eq 0 && $output == "no plugins installed"* ]]

	run "$PAKS" plugin install "$PK_DATA/hello"
	[[ $status -eq 0 ]]
	[[ $output == "installed plugin 'hello' 1.2.0 in $PAKS_HOME/plugins/hello: #hello, #hello-export, #hello-fail, #hello-badexport" ]]
	cmp "$PK_DATA/hello/hello.sh" "$PAKS_HOME/plugins/hello/hello.sh"
	[[ -x $PAKS_HOME/plugins/hello/hello.sh ]]
	run "$PAKS" plugin list
	[[ ${lines[0]} =~ ^hello\ +1\.2\.0\ +user\ +#hello,\ #hello-export ]]
	# the same for scripts: one JSON document
	run --separate-stderr "$PAKS" plugin list --format json
	[[ $status -eq 0 ]]
	[[ $(python3 -c 'import json, sys; p = json.load(sys.stdin)[0]
print(p["name"], p["version"], p["source"], " ".join(p["commands"]))' \
	    <<< "$output") == "hello 1.2.0 user hello hello-export hello-fail hello-badexport" ]]

	# again: refused without --force, the copy untouched
	echo "local change" >> "$PAKS_HOME/plugins/hello/hello.sh"
	run "$PAKS" plugin install "$PK_DATA/hello"
	[[ $status -eq 1 ]]
	[[ ${lines[0]} == "paks: plugin 'hello' is already installed in '$PAKS_HOME/plugins/hello'" ]]
	[[ ${lines[1]} == "hint: --force replaces it" ]]
	grep -q "local change" "$PAKS_HOME/plugins/hello/hello.sh"
	run "$PAKS" plugin install --force "$PK_DATA/hello"
	[[ $status -eq 0 ]]
	cmp "$PK_DATA/hello/hello.sh" "$PAKS_HOME/plugins/hello/hello.sh"
	[[ -z $(find "$PAKS_HOME/plugins" -maxdepth 1 -name '.*' ! -name .) ]]

	# a plugin may not replace a built-in; a broken manifest says where
	run "$PAKS" plugin install "$PK_DATA/shadow"
	[[ $status -eq 1 && ${lines[0]} == "paks: plugin 'shadow' cannot add '#save': it is a built-in command" ]]
	[[ ! -e $PAKS_HOME/plugins/shadow ]]
	run "$PAKS" plugin install "$PK_DATA/broken"
	[[ $status -eq 1 ]]
	[[ ${lines[0]} == "paks: cannot install '$PK_DATA/broken': $PK_DATA/broken/plugin.yml:5: 'commands' must be a list" ]]
	[[ ! -e $PAKS_HOME/plugins/broken ]]
	run "$PAKS" plugin install "$BATS_TEST_TMPDIR/nowhere"
	[[ $status -eq 1 && ${lines[0]} == "paks: cannot install '$BATS_TEST_TMPDIR/nowhere': not a directory"* ]]
	run "$PAKS" plugin install
	[[ $status -eq 2 && ${lines[0]} == "paks: plugin install: too few arguments" ]]

	# bad names never reach the file system
	mkdir -p "$PAKS_HOME/x"
	run "$PAKS" plugin remove ../x
	[[ $status -eq 2 && ${lines[0]} == "paks: invalid plugin name '../x'" ]]
	[[ -d $PAKS_HOME/x ]]
	run "$PAKS" plugin remove nosuch
	[[ $status -eq 1 && ${lines[0]} == "paks: no plugin 'nosuch' is installed" ]]

	# a system plugin is listed, and not yours to remove
	cp -r "$PK_DATA/misbehave" "$PAKS_SYSTEM_PLUGINS/"
	run "$PAKS" plugin list
	[[ $output =~ misbehave\ +0\.1\.0\ +system\ +#hang,\ #crash ]]
	run "$PAKS" plugin remove misbehave
	[[ $status -eq 1 && ${lines[0]} == "paks: plugin 'misbehave' is installed for the whole system, in '$PAKS_SYSTEM_PLUGINS/misbehave'" ]]
	[[ -d $PAKS_SYSTEM_PLUGINS/misbehave ]]

	run "$PAKS" plugin remove hello
	[[ $status -eq 0 && $output == "removed plugin 'hello'" ]]
	[[ ! -e $PAKS_HOME/plugins/hello ]]
}

@test "bash: a shell plugin: #load, #help, run with PAKS_*, exports, failures" {
	install_data hello
	start_shell "$PK_DEBIAN"
	pk_line '#load hello'
	pk_wait_for -F "loaded plugin 'hello' 1.2.0: #hello, #hello-export, #hello-fail, #hello-badexport"
	pk_line '#help'
	pk_wait_for '^from plugins:$'
	pk_wait_for '^  #hello +print a greeting'
	pk_line '#help hello'
	pk_wait_for -F 'usage: #hello [WORD...]'
	pk_wait_for -F "From plugin 'hello' 1.2.0 ($PAKS_HOME/plugins/hello)."

	pk_line "#hello a 'b c'"
	pk_wait_for -F 'hello from a plugin: a b c'
	pk_wait_for -F "container=$PK_NAME engine=$PAKS_ENGINE image=$PK_DEBIAN"
	pk_wait_for -F 'api=1 command=hello dir=hello'
	pk_wait_for -F "start=$BATS_TEST_TMPDIR/w"
	grep -qx "#hello a b c" "$PAKS_HOME/history"

	pk_line "#hello-export 'x y'"
	pk_wait_for '^exported$'
	pk_line 'printf %s "$HELLO_TRICKY" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha "$TRICKY")\$"
	pk_line 'echo "[$HELLO_PLAIN] [$HELLO_ARG]"'
	pk_wait_for -F '[plain value] [x y]'
	no_secret_on_screen

	pk_line '#hello-fail'
	pk_wait_for -F 'hello-fail: something went wrong'
	pk_wait_for -F "paks: plugin 'hello' failed with exit status 3"
	pk_line '#hello-badexport'
	pk_wait_for -F "paks: plugin 'hello': export record 2: invalid variable name '1BAD'"
	# a failed run exports nothing, not even its good records
	pk_line 'echo "[${HELLO_NEVER-unset}] [${HELLO_OK-unset}]"'
	pk_wait_for -F '[unset] [unset]'

	pk_line '#hello-export a b'
	pk_wait_for -F 'paks: #hello-export: too many arguments'
	pk_line '#load hello'
	pk_wait_for -F "plugin 'hello' is already loaded"
	pk_line '#load nosuch'
	pk_wait_for -F "paks: no plugin 'nosuch'"
	pk_line '#load ../x'
	pk_wait_for -F "paks: invalid plugin name '../x'"
	pk_line '#load'
	pk_wait_for '^  hello +1\.2\.0 +#hello, .*\(loaded\)$'
	pk_line 'echo DONE'
	pk_wait_for '^DONE$'
}

@test "sh: the shell plugin's exports on busybox" {
	install_data hello
	start_shell "$PK_BUSYBOX"
	pk_line '#load hello'
	pk_wait_for -F "loaded plugin 'hello'"
	pk_line '#hello-export z'
	pk_wait_for '^exported$'
	pk_line 'printf %s "$HELLO_TRICKY" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha "$TRICKY")\$"
	pk_line 'echo "[$HELLO_ARG]"'
	pk_wait_for -F '[z]'
	no_secret_on_screen
}

@test "a plugin in C: runs, exports, and its crash is reported" {
	install_cgreet
	start_shell "$PK_DEBIAN"
	pk_line '#load cgreet'
	pk_wait_for -F "loaded plugin 'cgreet' 2.0.1: #cgreet, #ccrash"
	pk_line '#cgreet Ada'
	pk_wait_for -F "cgreet: hello Ada, from $PAKS_ENGINE in $PK_NAME"
	pk_line 'echo "[$CGREET_WHO] [$CGREET_WHERE]"'
	pk_wait_for -F "[Ada] [$PK_NAME]"
	pk_line '#ccrash'
	pk_wait_for -F 'cgreet: crashing'
	pk_wait_for -F "paks: plugin 'cgreet' crashed (signal 11, Segmentation fault)"
	pk_line 'echo STILL-HERE'
	pk_wait_for '^STILL-HERE$'
	[[ -n $(pk_paks_pid) ]]
}

@test "bash: the plugins setting, and #load, feed the hook's list for pasted blocks" {
	install_data hello
	install_cgreet
	start_shell -s 'plugins=[hello, nosuch]' "$PK_DEBIAN"
	pk_wait_for -F "paks: warning: plugins setting: no plugin 'nosuch'"
	pk_line '#hello started'
	pk_wait_for -F 'hello from a plugin: started'
	# a pasted block runs only the #commands the hook knows
	pk_tmux set-buffer -b blk $'echo one\n#hello pasted\necho two\n'
	pk_tmux paste-buffer -p -b blk -t pk
	pk_key Enter
	pk_wait_for '^two$'
	pk_wait_for -F 'hello from a plugin: pasted'
	pk_line '#load cgreet'
	pk_wait_for -F "loaded plugin 'cgreet'"
	pk_tmux set-buffer -b blk $'echo three\n#cgreet pasted\necho four\n'
	pk_tmux paste-buffer -p -b blk -t pk
	pk_key Enter
	pk_wait_for '^four$'
	pk_wait_for -F 'cgreet: hello pasted, from'
}

@test "a name clash between plugins, or with a built-in, is refused at load" {
	install_data hello
	install_data clash
	cp -r "$PK_DATA/shadow" "$PAKS_HOME/plugins/"	# install refuses it
	start_shell "$PK_DEBIAN"
	pk_line '#load hello'
	pk_wait_for -F "loaded plugin 'hello'"
	pk_line '#load clash'
	pk_wait_for -F "paks: plugins 'hello' and 'clash' both add '#hello'"
	pk_line '#load shadow'
	pk_wait_for -F "paks: plugin 'shadow' cannot add '#save': it is a built-in command"
	pk_line '#hello still'
	pk_wait_for -F 'hello from a plugin: still'
	pk_line '#help'
	pk_wait_for '^from plugins:$'
	pk_screen_lacks -F "clash's hello"
	pk_screen_lacks -F "shadow's save ran"
	[[ $(pk_screen | grep -c '^  #hello ') -eq 1 ]]
}

# plugin_child_gone hang|daemon: what misbehave's command left is gone
# (by its pid: the other engine's lane runs the same plugin meanwhile)
plugin_child_gone() {
	local pid

	pid=$(cat "$PAKS_HOME/plugins/misbehave/$1.pid")
	[[ -n $pid ]]
	# an orphan is reaped by init a moment after it is killed
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	echo "misbehave's $1 process $pid is still there" >&2
	return 1
}

@test "a hanging plugin is stopped after plugin_timeout, or by Ctrl-C" {
	install_data misbehave
	start_shell -s plugin_timeout=2 "$PK_DEBIAN"
	pk_line '#load misbehave'
	pk_wait_for -F "loaded plugin 'misbehave'"
	local t0=$SECONDS
	pk_line '#hang'
	pk_wait_for '^hanging now$'
	pk_wait_for -F "paks: plugin 'misbehave' did not finish within 2 seconds and was stopped" 15
	(( SECONDS - t0 < 10 ))
	pk_wait_for -F 'hint: the plugin_timeout setting allows more time'
	plugin_child_gone hang
	pk_line 'echo AFTER-TIMEOUT'
	pk_wait_for '^AFTER-TIMEOUT$'
	pk_line 'clear'
	pk_line '#hang'
	pk_wait_for '^hanging now$'
	pk_key C-c
	pk_wait_for -F "paks: plugin 'misbehave' interrupted" 5
	pk_line 'echo AFTER-CTRL-C'
	pk_wait_for '^AFTER-CTRL-C$'
	plugin_child_gone hang
	# ended, but its child holds the output open: the timeout still holds
	pk_line 'clear'
	pk_line '#daemon'
	pk_wait_for '^leaving a child behind$'
	pk_wait_for -F "paks: plugin 'misbehave' did not finish within 2 seconds" 15
	plugin_child_gone daemon
	pk_line 'echo AFTER-DAEMON'
	pk_wait_for '^AFTER-DAEMON$'
}

# shell: bash or zsh; paks ends the line a plugin left open, so the prompt
# after it does not draw over it
plugin_output_without_newline() {
	install_data misbehave
	start_shell --shell "$1" "$PK_DEBIAN"
	pk_line '#load misbehave'
	pk_wait_for -F "loaded plugin 'misbehave'"
	pk_line '#nonl'
	pk_wait_for '^no newline at the end$'
	pk_line 'echo AFTER-NONL'
	pk_wait_for '^AFTER-NONL$'
	pk_screen | grep -q '^no newline at the end$'
}

@test "bash: plugin output without a last newline keeps its line" {
	plugin_output_without_newline bash
}

@test "zsh: plugin output without a last newline keeps its line" {
	plugin_output_without_newline zsh
}

@test "a crashing shell plugin does not take paks down" {
	install_data misbehave
	start_shell "$PK_BUSYBOX"
	pk_line '#load misbehave'
	pk_wait_for -F "loaded plugin 'misbehave'"
	pk_line '#crash'
	pk_wait_for -F 'about to crash'
	pk_wait_for -F "paks: plugin 'misbehave' crashed (signal 11, Segmentation fault)"
	pk_line 'echo ALIVE'
	pk_wait_for '^ALIVE$'
	[[ -n $(pk_paks_pid) ]]
	# Ctrl-C after the plugin ended, while its child holds the output
	pk_line '#daemon'
	pk_wait_for '^leaving a child behind$'
	pk_key C-c
	pk_wait_for -F "paks: plugin 'misbehave' interrupted" 10
	plugin_child_gone daemon
	pk_line 'echo ALIVE-AGAIN'
	pk_wait_for '^ALIVE-AGAIN$'
}

@test "#sbom on Debian lists what dpkg-query lists; SPDX and CycloneDX are valid" {
	install_sbom
	mkdir -p "$BATS_TEST_TMPDIR/w/out"
	start_shell "$PK_DEBIAN"
	pk_line '#load sbom'
	pk_wait_for -F "loaded plugin 'sbom' 0.1.0: #sbom"
	pk_line '#sbom'
	local doc=$BATS_TEST_TMPDIR/w/paks-test-debian-bookworm-sbom.spdx.json
	pk_wait_for -F "wrote $doc (SPDX 2.3) of " 60
	validate "$doc" "$PK_SCHEMAS/spdx-2.3.schema.json"

	# the truth, from inside: every package is fully installed, so
	# dpkg-query -W's list is the list of installed packages
	"$PAKS_ENGINE" exec "$PK_NAME" dpkg-query -W -f '${Package} ${Version}\n' |
	    sort > "$BATS_TEST_TMPDIR/dpkg.txt"
	[[ $("$PAKS_ENGINE" exec "$PK_NAME" dpkg-query -W -f '${db:Status-Status}\n' | sort -u) == installed ]]
	jq -r '.packages[] | select(.externalRefs[0].referenceLocator // "" |
	    startswith("pkg:deb/")) | "\(.name) \(.versionInfo)"' "$doc" |
	    sort > "$BATS_TEST_TMPDIR/sbom.txt"
	diff "$BATS_TEST_TMPDIR/dpkg.txt" "$BATS_TEST_TMPDIR/sbom.txt"
	local n
	n=$(wc -l < "$BATS_TEST_TMPDIR/dpkg.txt")
	(( n > 50 ))
	pk_wait_for -F "of $n packages: $n deb, 0 apk, 0 Python"
	[[ $(jq '[.relationships[] | select(.relationshipType == "CONTAINS")] | length' "$doc") -eq $n ]]
	jq -e '.packages[] | select(.name == "bash") | .externalRefs[0].referenceLocator |
	    test("^pkg:deb/debian/bash@[^?]+[?]arch=[a-z0-9]+$")' "$doc"
	# most Debian copyright files are machine-readable
	jq -e '[.packages[] | select(.licenseDeclared != "NOASSERTION")] |
	    length > 30' "$doc"

	# the schema can fail: a document without its version is refused
	jq 'del(.spdxVersion)' "$doc" > "$BATS_TEST_TMPDIR/broken.json"
	pk_refute validate "$BATS_TEST_TMPDIR/broken.json" "$PK_SCHEMAS/spdx-2.3.schema.json"

	pk_line '#sbom format=cyclonedx host:out/'
	local cdx=$BATS_TEST_TMPDIR/w/out/paks-test-debian-bookworm-sbom.cdx.json
	pk_wait_for -F "wrote $cdx (CycloneDX 1.5)" 60
	validate "$cdx" "$PK_SCHEMAS/cyclonedx-1.5.schema.json"
	[[ $(jq '.components | length' "$cdx") -eq $n ]]
	jq -r '.components[] | "\(.name) \(.version)"' "$cdx" | sort |
	    diff "$BATS_TEST_TMPDIR/dpkg.txt" -

	pk_line '#sbom format=xml'
	pk_wait_for -F "sbom: unknown format 'xml' (spdx or cyclonedx)"
	pk_wait_for -F "paks: plugin 'sbom' failed with exit status 2"

	# a Python package in site-packages is found too
	pk_line 'd=/usr/lib/python3/dist-packages/Demo_Pkg-1.2.3.dist-info; mkdir -p $d && printf "Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.2.3\nLicense: MIT\n\nbody\n" > $d/METADATA && echo PY-READY'
	pk_wait_for '^PY-READY$'
	pk_line '#sbom host:py.json'
	pk_wait_for -F "wrote $BATS_TEST_TMPDIR/w/py.json (SPDX 2.3) of $((n + 1)) packages: $n deb, 0 apk, 1 Python" 60
	validate "$BATS_TEST_TMPDIR/w/py.json" "$PK_SCHEMAS/spdx-2.3.schema.json"
	jq -e '.packages[] | select(.externalRefs[0].referenceLocator == "pkg:pypi/demo-pkg@1.2.3") |
	    .licenseDeclared == "MIT"' "$BATS_TEST_TMPDIR/w/py.json"
}

@test "#sbom on busybox: an empty but valid document, then an apk database" {
	install_sbom
	start_shell "$PK_BUSYBOX"
	pk_line '#load sbom'
	pk_wait_for -F "loaded plugin 'sbom'"
	pk_line '#sbom'
	local doc=$BATS_TEST_TMPDIR/w/paks-test-busybox-latest-sbom.spdx.json
	pk_wait_for -F "wrote $doc (SPDX 2.3) of 0 packages: 0 deb, 0 apk, 0 Python" 60
	validate "$doc" "$PK_SCHEMAS/spdx-2.3.schema.json"
	# only the image itself, described by the document
	[[ $(jq '.packages | length' "$doc") -eq 1 ]]
	jq -e '.packages[0].primaryPackagePurpose == "CONTAINER" and
	    .packages[0].name == "paks-test/busybox:latest"' "$doc"
	[[ $(jq -c '[.relationships[].relationshipType]' "$doc") == '["DESCRIBES"]' ]]
	pk_line '#sbom format=cyclonedx host:empty.cdx.json'
	pk_wait_for -F "wrote $BATS_TEST_TMPDIR/w/empty.cdx.json (CycloneDX 1.5) of 0 packages" 60
	validate "$BATS_TEST_TMPDIR/w/empty.cdx.json" "$PK_SCHEMAS/cyclonedx-1.5.schema.json"
	[[ $(jq '.components | length' "$BATS_TEST_TMPDIR/w/empty.cdx.json") -eq 0 ]]

	pk_line 'mkdir -p /lib/apk/db && printf "C:Q1x=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\n\nP:busybox\nV:1.36.1-r5\nA:x86_64\nL:GPL-2.0-only\n" > /lib/apk/db/installed && echo APK-READY'
	pk_wait_for '^APK-READY$'
	pk_line '#sbom format=cyclonedx host:apk.json'
	pk_wait_for -F "of 2 packages: 0 deb, 2 apk, 0 Python" 60
	validate "$BATS_TEST_TMPDIR/w/apk.json" "$PK_SCHEMAS/cyclonedx-1.5.schema.json"
	[[ $(jq -c '[.components[].purl]' "$BATS_TEST_TMPDIR/w/apk.json") == '["pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64","pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64"]' ]]
	[[ $(jq -r '.components[1].licenses[0].expression' "$BATS_TEST_TMPDIR/w/apk.json") == GPL-2.0-only ]]
}

@test "what a plugin prints passes the container's filter: no paks sequence reaches the terminal" {
	install_data misbehave
	start_shell "$PK_DEBIAN"
	# the raw bytes the terminal gets, before it interprets them
	pk_tmux pipe-pane -o -t pk "cat >> $(printf %q "$BATS_TEST_TMPDIR/raw")"
	pk_line '#load misbehave'
	pk_wait_for -F "loaded plugin 'misbehave'"
	pk_line '#forge'
	pk_wait_for '^FORGED-OUT$'
	pk_wait_for -F 'end'
	pk_line 'echo AFTER-FORGE'
	pk_wait_for '^AFTER-FORGE$'
	grep -q FORGED-OUT "$BATS_TEST_TMPDIR/raw"
	pk_refute grep -q $'\033]6973' "$BATS_TEST_TMPDIR/raw"
}
