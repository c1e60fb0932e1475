#!/usr/bin/env bats
# engines: both
#
# 61-sbom-more: #sbom on images that are not Debian's or Alpine's own, in a
# real terminal (tmux) on the engine in $PAKS_ENGINE: rpm databases (the
# sqlite rpmdb.sqlite of Fedora, RHEL and Rocky 9, at /var/lib/rpm or at
# Fedora's /usr/lib/sysimage/rpm behind a /var/lib/rpm symlink, and the
# Berkeley DB Packages of RHEL and Rocky 8), Python packages of a venv and
# of a conda environment anywhere in the file system, and conda's own
# records. The images are the Debian test image with those files added
# ("ENGINE create", "ENGINE cp", "ENGINE commit"; no network): the rpm
# databases are made on the host with Debian's rpm, rpmbuild and
# db5.3_load. Each document is checked against the schemas in tests/data.
# Exercises: plugins/sbom/ (sbom.c, sbom-rpm.c, sbom-rpmdb.c, sbom-py.c).

load lib/helpers

# the build directory tests/run uses (BUILD_DIR, relative to the tree)
PK_BUILD=${BUILD_DIR:-build}
[[ $PK_BUILD == /* ]] || PK_BUILD=$PK_ROOT/$PK_BUILD
PK_SCHEMAS=$PK_ROOT/tests/data/schemas

# A python3 that has jsonschema (Debian's python3-jsonschema).
pk_python() {
	local py
	for py in /usr/bin/python3 python3; do
		if "$py" -c 'import jsonschema, sqlite3' 2>/dev/null; then
			echo "$py"
			return 0
		fi
	done
	echo "no python3 with jsonschema (apt-get install python3-jsonschema)" >&2
	return 1
}

# make_rpms DIR: two packages without files, built with rpmbuild into
# DIR/rpms: paks-demo 2:1.0-3.el9 (noarch, MIT) and paks-tool 0.9-1.
make_rpms() {
	local top=$1/top name
	mkdir -p "$top/SPECS" "$1/rpms"
	cat > "$top/SPECS/paks-demo.spec" <<'EOF'
Name: paks-demo
Version: 1.0
Release: 3.el9
Epoch: 2
License: MIT
Summary: a package with no files, for paks' tests
BuildArch: noarch
Vendor: Paks Test
%description
A package with no files.
%files
EOF
	cat > "$top/SPECS/paks-tool.spec" <<'EOF'
Name: paks-tool
Version: 0.9
Release: 1
License: GPLv2+
Summary: another package with no files
BuildArch: noarch
%description
Another package with no files.
%files
EOF
	for name in paks-demo paks-tool; do
		HOME=$1 rpmbuild -bb --quiet --define "_topdir $top" \
		    "$top/SPECS/$name.spec" >/dev/null
	done
	cp "$top"/RPMS/noarch/*.rpm "$1/rpms/"
}

setup_file() {
	pk_require_engine
	pk_python >/dev/null
	local t
	for t in rpm rpmbuild db5.3_load; do
		if ! command -v "$t" >/dev/null; then
			echo "no $t on the host (apt-get install rpm db5.3-util)" >&2
			return 1
		fi
	done
	if [[ ! -x $PK_BUILD/plugins/sbom/sbom ]]; then
		echo "$PK_BUILD/plugins/sbom/sbom is not built; run ninja -C $PK_BUILD" >&2
		return 1
	fi
	# the packages and their sqlite database, once for the file
	local d=$BATS_FILE_TMPDIR
	make_rpms "$d"
	mkdir -p "$d/sqlite"
	rpm --root "$d/sqlite" --dbpath /var/lib/rpm --initdb
	rpm -i --nodeps --justdb --root "$d/sqlite" --dbpath /var/lib/rpm \
	    "$d"/rpms/*.rpm 2>/dev/null
	[[ $(rpm -qa --root "$d/sqlite" --dbpath /var/lib/rpm | sort | tr '\n' ' ') == \
	    "paks-demo-1.0-3.el9.noarch paks-tool-0.9-1.noarch " ]]
	rm -f "$d/sqlite/var/lib/rpm/.rpm.lock"
}

setup() {
	pk_setup
	export PAKS_SYSTEM_PLUGINS=$BATS_TEST_TMPDIR/system
	mkdir -p "$PAKS_SYSTEM_PLUGINS/sbom" "$BATS_TEST_TMPDIR/w" \
	    "$BATS_TEST_TMPDIR/tree"
	cp "$PK_ROOT/plugins/sbom/plugin.yml" "$PK_BUILD/plugins/sbom/sbom" \
	    "$PAKS_SYSTEM_PLUGINS/sbom/"
	cd "$BATS_TEST_TMPDIR/w"
	PK_IMAGE=paks-e2e-sbom-${PK_RUN_ID:-$$}-$BATS_TEST_NUMBER:more
	PK_TREE=$BATS_TEST_TMPDIR/tree
	PK_BUILDER=
}

teardown() {
	pk_teardown
	if [[ -n $PK_BUILDER ]]; then
		"$PAKS_ENGINE" rm -f "$PK_BUILDER" >/dev/null 2>&1 || true
	fi
	"$PAKS_ENGINE" rmi -f "$PK_IMAGE" >/dev/null 2>&1 || true
}

# validate DOC SCHEMA: the document satisfies the JSON schema.
validate() {
	"$(pk_python)" - "$1" "$2" <<'PY'
import json, sys
import jsonschema
doc = json.load(open(sys.argv[1]))
schema = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
for e in errors[:5]:
    print("invalid at /%s: %s" % ("/".join(map(str, e.absolute_path)),
                                  e.message[:200]))
sys.exit(1 if errors else 0)
PY
}

# image_with_tree: $PK_IMAGE is the Debian test image with $PK_TREE added.
image_with_tree() {
	PK_BUILDER=$("$PAKS_ENGINE" create --network none "$PK_DEBIAN" true)
	"$PAKS_ENGINE" cp "$PK_TREE/." "$PK_BUILDER:/"
	"$PAKS_ENGINE" commit "$PK_BUILDER" "$PK_IMAGE" >/dev/null
	"$PAKS_ENGINE" rm -f "$PK_BUILDER" >/dev/null
	PK_BUILDER=
}

# python_tree: a venv, a conda environment (its site-packages and its
# conda-meta record), and metadata that is not an installed distribution.
python_tree() {
	local venv=$PK_TREE/opt/venv/lib/python3.11/site-packages
	local conda=$PK_TREE/opt/conda/envs/x
	local site=$conda/lib/python3.11/site-packages
	mkdir -p "$venv/foo-1.2.dist-info" "$site/bar-0.3.dist-info" \
	    "$conda/conda-meta" "$venv/pip/_vendor/vend-1.dist-info"
	printf 'Metadata-Version: 2.1\nName: Foo\nVersion: 1.2\n\nName: x\n' \
	    > "$venv/foo-1.2.dist-info/METADATA"
	printf 'Name: vend\nVersion: 1\n' > "$venv/pip/_vendor/vend-1.dist-info/METADATA"
	printf 'Metadata-Version: 2.1\nName: bar\nVersion: 0.3\nLicense: MIT\n\n' \
	    > "$site/bar-0.3.dist-info/METADATA"
	printf '{"name": "bar", "version": "0.3", "build": "py311_0", "subdir": "linux-64", "license": "MIT", "files": []}\n' \
	    > "$conda/conda-meta/bar-0.3-py311_0.json"
	printf '==> 2024-01-01 <==\n' > "$conda/conda-meta/history"
}

# run_sbom ARGS... EXPECT: start a session on $PK_IMAGE, run #sbom ARGS,
# wait for the line that contains EXPECT.
run_sbom() {
	local expect=${*: -1}
	pk_start "$PK_IMAGE"
	pk_wait_for '[#$] *$'
	pk_line '#load sbom'
	pk_wait_for -F "loaded plugin 'sbom'"
	pk_line "#sbom ${*:1:$#-1}"
	pk_wait_for -F "$expect" 60
}

# The number of dpkg packages in the Debian test image.
deb_count() {
	"$PAKS_ENGINE" run --rm --network none "$PK_DEBIAN" \
	    dpkg-query -W -f '${Package}\n' | wc -l
}

@test "#sbom: rpmdb.sqlite in /var/lib/rpm, a venv and a conda env anywhere" {
	mkdir -p "$PK_TREE/var/lib"
	cp -a "$BATS_FILE_TMPDIR/sqlite/var/lib/rpm" "$PK_TREE/var/lib/"
	python_tree
	image_with_tree
	local n doc=$BATS_TEST_TMPDIR/w/out.json
	n=$(deb_count)
	run_sbom host:out.json "wrote $doc (SPDX 2.3) of $((n + 5)) packages: $n deb, 0 apk, 2 Python, 2 rpm, 1 conda"
	validate "$doc" "$PK_SCHEMAS/spdx-2.3.schema.json"

	# the rpm packages: version-release, epoch and arch in the purl
	[[ $(jq -c '[.packages[] | select(.externalRefs[0].referenceLocator // "" |
	    startswith("pkg:rpm/")) | [.name, .versionInfo,
	    .externalRefs[0].referenceLocator, .licenseDeclared]] | sort' "$doc") == \
	    '[["paks-demo","1.0-3.el9","pkg:rpm/rpm/paks-demo@1.0-3.el9?arch=noarch&epoch=2","MIT"],["paks-tool","0.9-1","pkg:rpm/rpm/paks-tool@0.9-1?arch=noarch","NOASSERTION"]]' ]]
	jq -e '.packages[] | select(.name == "paks-demo") |
	    .sourceInfo == "built from rpm source paks-demo-1.0-3.el9.src.rpm" and
	    .supplier == "Person: Paks Test"' "$doc"

	# Python: the venv's and the conda env's, not pip's vendored copy
	[[ $(jq -c '[.packages[].externalRefs[0].referenceLocator // empty |
	    select(startswith("pkg:pypi/") or startswith("pkg:conda/"))] | sort' "$doc") == \
	    '["pkg:conda/bar@0.3?build=py311_0&subdir=linux-64","pkg:pypi/bar@0.3","pkg:pypi/foo@1.2"]' ]]
	jq -e '.packages[] | select(.externalRefs[0].referenceLocator == "pkg:pypi/bar@0.3") |
	    .licenseDeclared == "MIT"' "$doc"

	# the same in CycloneDX
	pk_line '#sbom format=cyclonedx host:out.cdx.json'
	pk_wait_for -F "wrote $BATS_TEST_TMPDIR/w/out.cdx.json (CycloneDX 1.5) of $((n + 5)) packages" 60
	validate "$BATS_TEST_TMPDIR/w/out.cdx.json" "$PK_SCHEMAS/cyclonedx-1.5.schema.json"
	[[ $(jq '[.components[] | select(.purl | startswith("pkg:rpm/"))] | length' \
	    "$BATS_TEST_TMPDIR/w/out.cdx.json") -eq 2 ]]
}

@test "#sbom: the Berkeley DB Packages of RHEL 8 in /var/lib/rpm" {
	# the same headers, as rpm 4.14 kept them: a BDB hash keyed by
	# instance number, made with db5.3_load from a dump of the sqlite one
	mkdir -p "$PK_TREE/var/lib/rpm"
	"$(pk_python)" - "$BATS_FILE_TMPDIR/sqlite/var/lib/rpm/rpmdb.sqlite" \
	    > "$BATS_TEST_TMPDIR/Packages.dump" <<'PY'
import sqlite3, struct, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
print("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END")
print(" " + struct.pack("<I", 0).hex())
print(" " + struct.pack("<I", 3).hex())
for hnum, blob in db.execute("SELECT hnum, blob FROM Packages"):
    print(" " + struct.pack("<I", hnum).hex())
    print(" " + bytes(blob).hex())
print("DATA=END")
PY
	db5.3_load -f "$BATS_TEST_TMPDIR/Packages.dump" "$PK_TREE/var/lib/rpm/Packages"
	image_with_tree
	local n doc=$BATS_TEST_TMPDIR/w/bdb.cdx.json
	n=$(deb_count)
	run_sbom format=cyclonedx host:bdb.cdx.json "wrote $doc (CycloneDX 1.5) of $((n + 2)) packages: $n deb, 0 apk, 0 Python, 2 rpm"
	validate "$doc" "$PK_SCHEMAS/cyclonedx-1.5.schema.json"
	[[ $(jq -c '[.components[] | select(.purl | startswith("pkg:rpm/")) |
	    [.name, .version, .purl]] | sort' "$doc") == \
	    '[["paks-demo","1.0-3.el9","pkg:rpm/rpm/paks-demo@1.0-3.el9?arch=noarch&epoch=2"],["paks-tool","0.9-1","pkg:rpm/rpm/paks-tool@0.9-1?arch=noarch"]]' ]]
}

@test "#sbom: Fedora's /usr/lib/sysimage/rpm behind a /var/lib/rpm symlink; a broken database is an error" {
	mkdir -p "$PK_TREE/usr/lib/sysimage" "$PK_TREE/var/lib"
	cp -a "$BATS_FILE_TMPDIR/sqlite/var/lib/rpm" "$PK_TREE/usr/lib/sysimage/"
	ln -s ../../usr/lib/sysimage/rpm "$PK_TREE/var/lib/rpm"
	# an os-release of Fedora names the purls' namespace
	mkdir -p "$PK_TREE/etc"
	printf 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n' > "$PK_TREE/etc/os-release"
	image_with_tree
	local n doc=$BATS_TEST_TMPDIR/w/f.json
	n=$(deb_count)
	run_sbom host:f.json "wrote $doc (SPDX 2.3) of $((n + 2)) packages: $n deb, 0 apk, 0 Python, 2 rpm"
	jq -e '[.packages[].externalRefs[0].referenceLocator // empty] |
	    index("pkg:rpm/fedora/paks-demo@1.0-3.el9?arch=noarch&epoch=2") != null' "$doc"

	# a database that is not one: said once, the plugin fails, no file
	pk_line 'rm /usr/lib/sysimage/rpm/rpmdb.sqlite-* && echo "not a database, not a database, not at all" > /usr/lib/sysimage/rpm/rpmdb.sqlite && echo BROKEN'
	pk_wait_for '^BROKEN$'
	pk_line '#sbom host:broken.json'
	pk_wait_for -F "sbom: the container's rpm database: rpmdb.sqlite: " 60
	pk_wait_for -F "paks: plugin 'sbom' failed with exit status 1"
	[[ ! -e $BATS_TEST_TMPDIR/w/broken.json ]]
}
