#!/bin/sh
# Writes OUT (a Swift file) with Morph's version (ROOT/VERSION) and the commit of the checkout at ROOT.
# Reads .git by hand, so it needs no git program; a worktree's .git file and packed refs are followed.
# Without .git (a release tarball) it uses ROOT/COMMIT, which `git archive` fills in (export-subst).
# OUT is rewritten only when its text changes. Usage: stamp-version.sh ROOT OUT
root=$1
out=$2
version=$(head -n 1 "$root/VERSION" 2>/dev/null)
[ -n "$version" ] || version=0.0.0
commit=
gitdir=$root/.git
if [ -f "$gitdir" ]; then
    gitdir=$(sed -n 's/^gitdir: //p' "$gitdir")
    case $gitdir in /*) ;; *) gitdir=$root/$gitdir ;; esac
fi
if [ -f "$gitdir/HEAD" ]; then
    common=$gitdir
    if [ -f "$gitdir/commondir" ]; then
        common=$(cat "$gitdir/commondir")
        case $common in /*) ;; *) common=$gitdir/$common ;; esac
    fi
    head=$(cat "$gitdir/HEAD")
    case $head in
        "ref: "*)
            ref=${head#ref: }
            if [ -f "$gitdir/$ref" ]; then commit=$(cat "$gitdir/$ref")
            elif [ -f "$common/$ref" ]; then commit=$(cat "$common/$ref")
            elif [ -f "$common/packed-refs" ]; then commit=$(grep " $ref\$" "$common/packed-refs" | cut -d ' ' -f 1)
            fi ;;
        *) commit=$head ;;
    esac
fi
if [ -z "$commit" ] && [ -f "$root/COMMIT" ]; then
    commit=$(head -n 1 "$root/COMMIT")
    case $commit in *Format*) commit= ;; esac
fi
[ -n "$commit" ] || commit=unknown
text="/// The version and commit this morph was built from (written by scripts/stamp-version.sh at build time).
enum MorphVersion {
    /// The release version (the VERSION file).
    static let version = \"$version\"
    /// The full git commit hash, or \"unknown\" outside a git checkout or archive.
    static let commit = \"$commit\"
    /// What morph --version prints.
    static var description: String { \"morph \\(version) (commit \\(commit))\" }
}"
mkdir -p "$(dirname "$out")"
if [ ! -f "$out" ] || [ "$(cat "$out")" != "$text" ]; then
    printf '%s\n' "$text" > "$out"
fi
