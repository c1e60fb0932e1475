#!/bin/bash
# tests/fuzz/seeds.sh: (re)write the seed corpus in tests/fuzz/corpus/.
# Each seed is a small, valid or nearly valid input that shows the fuzzer
# one shape of what the parser reads; the fuzzer mutates from there. Run it
# after changing a format, and commit the corpus it writes.
set -euo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/corpus
# the nonce fuzz-shellhook.c gives the parser
N=9f86d081884c7d659a2feaa0c55ad015

# seed PARSER NAME PRINTF-FORMAT [ARGS...]
seed() {
	local parser=$1 name=$2
	shift 2
	mkdir -p "$dir/$parser"
	# shellcheck disable=SC2059
	printf -- "$@" > "$dir/$parser/$name"
}

rm -rf "$dir"

# ---- shellhook: what a container prints (OSC 6973 messages, see
# src/session/integration.c for the shell side)
seed shellhook plain 'total 0\r\nroot@c0ffee:/work# '
seed shellhook hello-ack '\033]6973;H\007\033]6973;A;bash\007'
seed shellhook prompt '\033]6973;P;%s\007root@c0ffee:/# ' "$N"
seed shellhook line '\033]6973;L;%s\007ls\r\n' "$N"
seed shellhook cmd '\033]6973;C;%s;5;5;#help/work\007' "$N"
seed shellhook cmd-utf8 '\033]6973;C;%s;13;1;#envhost \303\251 X/\007' "$N"
seed shellhook line-text '\033]6973;L;%s;5;5;ls -l/work\007' "$N"
seed shellhook status '\033]6973;S;%s;1;5;1/work\007' "$N"
seed shellhook done '\033]6973;D;%s;3;0;abc\007' "$N"
seed shellhook done-empty '\033]6973;D;%s;0;0;\007' "$N"
seed shellhook done-more '\033]6973;D;%s;3;1;ab\036+\007' "$N"
seed shellhook zsh-ack '\033]6973;H\007\033]6973;A;zsh-notmp\007'
seed shellhook st '\033]6973;L;%s\033\\after' "$N"
seed shellhook sh-prompt '\033]6973;P;%s\007$ \033]6973;E;%s\007\033]6973;R;%s\007' "$N" "$N" "$N"
seed shellhook forged 'x\033]6973;C;00000000000000000000000000000000;3;1;#cp/\007y'
seed shellhook other-osc '\033]0;title\007\033[1;31mred\033[0m\033]697x;\033]6973'
seed shellhook aborted '\033]6973;P;%s\033[Kmore' "$N"
seed shellhook session '\033]6973;H\007\033]6973;A;bash\007\033]6973;P;%s\007root@c0ffee:/# ls\r\n\033]6973;L;%s\007bin  etc\r\n\033]6973;P;%s\007root@c0ffee:/# \033]6973;C;%s;6;1;#size /\007\033]6973;D;%s;0;0;\007' "$N" "$N" "$N" "$N" "$N"

# ---- linebuf: what the user's terminal sends
seed linebuf typed 'ls -l\r'
seed linebuf hash '#envhost HOME\r#help\r'
seed linebuf edit 'lss\177 -l\r#x\025#size\r'
seed linebuf word 'echo one two\027three\r'
seed linebuf arrows 'ab\033[D\033[Cc\033OA\r'
seed linebuf paste '\033[200~#help\nls\033[201~\r'
seed linebuf replies '\033[12;40R\033[?1;2c\033[I\033[Ox\r'
seed linebuf alt-tab '\033bx\tq\r\n'
seed linebuf utf8 '\303\251\342\234\223\177\r'
seed linebuf ctrl-c 'sleep 9\003#save -v2\n'

# ---- hashline: a submitted #command line
seed hashline help '#help'
seed hashline envsave '#envsave proj K='"'"'$HOME'"'"' X="a\\"b" Y=c\\ d'
seed hashline cp '#cp results "host:out dir/"'
seed hashline tabs '#inspect\tconfig.env   state '
seed hashline comment '# TODO'
seed hashline lone-backslash '#a \\'
seed hashline open-single "#a 'b"
seed hashline open-double '#a "b\\"'

# ---- imageref: image references
seed imageref tag 'debian:bookworm'
seed imageref full 'localhost:5000/vsoch/paks:v1.0@sha256:%s' \
    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
seed imageref registry 'quay.io/a/b__c.d--e'
seed imageref library 'docker.io/library/debian'
seed imageref upper 'Debian:latest'
seed imageref empty-part 'a//b'
seed imageref bad-tag 'a:'
seed imageref digest-only '@sha256:abc'

# ---- settings: settings files (and values of -s / paks config set)
seed settings simple 'container_tech: podman\nrun_options: [--network, none]\n'
seed settings commented '# mine\ncontainer_shell: /bin/zsh   # the shell\n\nuser:\nsave_history: yes\n'
seed settings block-list 'plugins:\n  - sbom\n  # later\n  - "x y"\nplugin_timeout: 30\n'
seed settings scalars "container_tech: 'docker'\nhistory_file: \"/tmp/h\\\\tx\"\nconfig_editor: |\n  code --wait\n"
seed settings anchors 'run_options: &o [-x]\nplugins: *o\n'
seed settings flow-root '{user: alice, plugin_timeout: 5}'
seed settings documents '---\nuser: a\n...\n---\nuser: b\n'
seed settings not-mapping '- a\n- b\n'
seed settings unknown 'contianer_tech: docker\n'
seed settings value '[a, b]'
seed settings null '~'
# findings, kept as seeds: a value with U+0085 (NEL); a value '...'
seed settings nel '\302\2050'
seed settings dots '---\nuser: a\n\nuser: ...\n---\nuser: b\n'

# ---- envstore: env files
seed envstore readme '# comments and blank lines are kept\nTOKEN=abc123\nGREETING=hello world\n\nQUOTED=it'"'"'s "fine": $HOME `id` $(id) \\n # = are all literal\nMULTI="line 1\\nline 2"\nPADDED="  spaces at the ends  "\n'
seed envstore escapes 'A="\\t\\r\\\\\\"\\x1b\\x7f"  \nB=\nC="" \n# tail\n'
seed envstore no-newline 'K=v'
seed envstore indented '  K=v\n\t# c\n'
seed envstore bad-key '1X=y\n'
seed envstore twice 'K=1\nK=2\n'
seed envstore bad-escape 'K="\\q"\n'
seed envstore unterminated 'K="abc\n'
seed envstore values 'plain\000 lead\000"quoted\000tab\tnl\nesc\033\000'

# ---- plugin: manifests (plugin.yml) and fd-3 export records
seed plugin manifest 'name: sbom\nversion: 1.0.2\ndescription: software bill of materials\nexec: bin/sbom\ncommands:\n  - name: sbom\n    usage: "[FORMAT]"\n    description: list the packages in the container\n    min_args: 0\n    max_args: 1\n  - {name: sbom-diff, description: compare two lists, min_args: 2}\n'
seed plugin minimal 'name: a\nversion: "1"\ncommands: [{name: a, description: d}]\n'
seed plugin escape 'name: a\nversion: "1"\nexec: x/../../y\ncommands: [{name: a, description: d}]\n'
seed plugin twice 'name: a\nversion: 1~rc_2+x\ncommands:\n- {name: b, description: d}\n- {name: b, description: e, max_args: -1}\n'
seed plugin exports 'A=1\000B=two\nlines\000_C=\000'
seed plugin exports-bad '__paks_n=1\000A=1'

# ---- history: session records (~/.paks/records, /.paks/history in images)
seed history one '{"v":1,"k":"sh","line":"ls -l","cwd":"/work","sid":"ab12","shell":"bash","st":0,"t":1700000000000,"d":12,"typed":true}\n'
seed history several '{"line":"make","t":5,"st":2,"to":"/x"}\n{"line":"#cp host:a /b","k":"paks","from":"/h/a","t":4,"typed":true}\nnot json\n{"line":"a\\nb\\u0001","t":1,"d":null,"st":null}\n'
seed history bad '{"line":1,"t":1}\n{"t":1}\n{"line":"x","t":-1}\n{"line":"x","t":1,"st":256}\n{"line":"x","line":"y","t":1}\n[1]\n'

# ---- remote: what the other side of 'paks move ssh://' prints (the
# answer to the layer query, after any login banner), then the engine's
# word on the load
seed remote docker 'engine docker\nimage sha256:aa sha256:bb \nimage sha256:aa\n'
seed remote podman-banner 'Welcome to the cluster\r\nengine podman\r\nimage sha256:aa sha256:cc\r\n'
seed remote none 'engine docker\nimage\n'
seed remote unknown 'engine lxc\nimage sha256:aa\n'
seed remote loaded 'Loaded image: vsoch/paks:v1-saved\n'
seed remote loaded-podman 'Getting image source signatures\nLoaded image(s): localhost/a:b,localhost/c:d\n'
seed remote loaded-id 'Loaded image ID: sha256:0123abcd\n'

# ---- archive: image archives as 'paks load' and 'paks move' read them
# (tar in the formats GNU tar writes; fixed times and owners)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# pax headers without times or process ids, so the seeds stay the same
pax='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime'
# tarball NAME FORMAT: the files in $tmp/src, sorted, as $dir/archive/NAME
tarball() {
	local opt=()
	[[ $2 == pax ]] && opt=(--pax-option="$pax")
	mkdir -p "$dir/archive"
	tar --format="$2" -b 1 --sort=name --mtime=@0 --owner=0 --group=0 \
	    --numeric-owner "${opt[@]}" -C "$tmp/src" -cf "$dir/archive/$1" .
}
mkdir -p "$tmp/src/aaa"
printf 'BASE LAYER' > "$tmp/src/aaa/layer.tar"
printf '{"rootfs":{"type":"layers","diff_ids":["sha256:base"]}}' \
    > "$tmp/src/cfg.json"
printf '[{"Config":"cfg.json","RepoTags":["x:1"],"Layers":["aaa/layer.tar"]}]' \
    > "$tmp/src/manifest.json"
tarball docker-ustar ustar
long=$(printf 'd%.0s' {1..150})
mkdir -p "$tmp/src/$long"
printf 'TOP' > "$tmp/src/$long/layer.tar"
ln -s ../aaa/layer.tar "$tmp/src/$long/link.tar"
printf '{"rootfs":{"diff_ids":["sha256:base","sha256:top","sha256:base"]}}' \
    > "$tmp/src/cfg.json"
printf '[{"Config":"cfg.json","Layers":["aaa/layer.tar","%s/layer.tar","%s/link.tar"]}]' \
    "$long" "$long" > "$tmp/src/manifest.json"
tarball docker-pax pax
tarball docker-gnu gnu
rm -rf "$tmp/src" && mkdir -p "$tmp/src"
printf '{"imageLayoutVersion":"1.0.0"}' > "$tmp/src/oci-layout"
printf '{"manifests":[{"annotations":{"org.opencontainers.image.ref.name":"localhost/x:1"}}]}' \
    > "$tmp/src/index.json"
tarball oci pax
seed archive gzip '\037\213\010\000'

# ---- sbom: files a container holds, as the #sbom plugin reads them
seed sbom dpkg 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\nArchitecture: amd64\nMaintainer: Matthias Klose <doko@debian.org>\nSource: bash (5.2.15-2)\nDescription: GNU Bourne Again SHell\n continued line\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n'
seed sbom apk 'C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT AND BSD-2-Clause\no:musl\nm:Someone <x@y.org>\n\nP:busybox\nV:1.36.1-r5\nL:GPL-2.0-only\n'
seed sbom metadata 'Metadata-Version: 2.1\nName: Requests_Oauth.lib\nVersion: 2.31.0\nLicense-Expression: Apache-2.0\nClassifier: License :: OSI Approved :: MIT License\nAuthor-email: A <a@b.c>\n\nbody text\n'
seed sbom os-release 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
seed sbom copyright 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: 1989-2022 Free Software Foundation\nLicense: GPL-3+ or Artistic\n\nFiles: debian/*\nLicense: BSD-3-clause\n'
seed sbom latin1 'Package: caf\351\nVersion: 1\xff\nStatus: install ok installed\nMaintainer: Jos\351 <j@x>\n'
seed sbom conda '{"name": "numpy", "version": "1.26.4", "build": "py311h64a7726_0", "subdir": "linux-64", "license": "BSD-3-Clause", "files": ["lib/python3.11/site-packages/numpy/__init__.py"]}\n'
# one rpm header blob (the value of a Packages row): bash from Rocky 9
seed sbom rpm-header '\000\000\000\010\000\000\000n\000\000\003\350\000\000\000\006\000\000\000\000\000\000\000\001\000\000\003\351\000\000\000\006\000\000\000\005\000\000\000\001\000\000\003\352\000\000\000\006\000\000\000\013\000\000\000\001\000\000\003\353\000\000\000\004\000\000\000\024\000\000\000\001\000\000\003\363\000\000\000\006\000\000\000\030\000\000\000\001\000\000\003\366\000\000\000\006\000\000\000=\000\000\000\001\000\000\003\376\000\000\000\006\000\000\000N\000\000\000\001\000\000\004\024\000\000\000\006\000\000\000U\000\000\000\001bash\0005.1.8\0006.el9\000\000\000\000\000\000\000\001Rocky Enterprise Software Foundation\000GPL-3.0-or-later\000x86_64\000bash-5.1.8-6.el9.src.rpm\000'
mkdir -p "$tmp/src/var/lib/dpkg"
cp "$dir/sbom/dpkg" "$tmp/src/var/lib/dpkg/status"
cp "$dir/sbom/os-release" "$tmp/src/os-release"
tar --format=pax -b 1 --sort=name --mtime=@0 --owner=0 --group=0 \
    --numeric-owner --pax-option="$pax" -C "$tmp/src" -cf "$dir/sbom/cp.tar" .

# a container's export with Python packages in a venv, a conda
# environment and Debian's dist-packages (#sbom python)
x=$tmp/export
mkdir -p "$x/opt/venv/lib/python3.11/site-packages/foo-1.2.dist-info" \
    "$x/opt/conda/envs/x/conda-meta" \
    "$x/opt/conda/envs/x/lib/python3.11/site-packages/bar-0.3.dist-info" \
    "$x/usr/lib/python3/dist-packages"
printf 'Metadata-Version: 2.1\nName: Foo\nVersion: 1.2\n\n' \
    > "$x/opt/venv/lib/python3.11/site-packages/foo-1.2.dist-info/METADATA"
printf '{"name":"bar","version":"0.3","build":"py311_0","subdir":"linux-64","license":"MIT","files":[]}' \
    > "$x/opt/conda/envs/x/conda-meta/bar-0.3-py311_0.json"
printf 'Metadata-Version: 2.1\nName: bar\nVersion: 0.3\nLicense: MIT\n\n' \
    > "$x/opt/conda/envs/x/lib/python3.11/site-packages/bar-0.3.dist-info/METADATA"
printf 'Name: zope.interface\nVersion: 5.0\n' \
    > "$x/usr/lib/python3/dist-packages/zope.interface-5.0.egg-info"
tar --format=pax -b 1 --sort=name --mtime=@0 --owner=0 --group=0 \
    --numeric-owner --pax-option="$pax" -C "$x" -cf "$dir/sbom/export.tar" .
