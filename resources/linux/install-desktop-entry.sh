#!/bin/sh
# Puts Begleiter into this user's application menu, without administrator rights: the icon into
# ~/.local/share/icons/hicolor/<size>/apps/begleiter.png and begleiter.desktop, whose Exec names the program
# in this folder, into ~/.local/share/applications. Run it again after moving the folder.
#
#     sh install-desktop-entry.sh [FOLDER]     (FOLDER: the one holding the program begleiter; default: here)
set -eu

folder=$(cd "${1:-$(dirname "$0")}" && pwd)
program="$folder/begleiter"
resources="$folder/_internal/resources"
if [ ! -x "$program" ] || [ ! -f "$resources/linux/begleiter.desktop" ]; then
    echo "install-desktop-entry.sh: no Begleiter program in $folder (build it with 'make build')" >&2
    exit 1
fi
case "$program" in
*[\"\`\$\\%]*)
    echo "install-desktop-entry.sh: a menu entry cannot name a folder with \" \` \$ \\ or % in it: $folder" >&2
    exit 1
    ;;
esac

data="${XDG_DATA_HOME:-$HOME/.local/share}"
for png in "$resources"/icons/begleiter-*.png; do
    size=${png##*-}
    size=${size%.png}
    mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$data/icons/hicolor/${size}x${size}/apps/begleiter.png"
done
mkdir -p "$data/icons/hicolor/scalable/apps" "$data/applications"
cp "$resources/icons/begleiter.svg" "$data/icons/hicolor/scalable/apps/begleiter.svg"

# Exec quoted (the folder may have spaces in its name); & and | are special to sed's replacement.
escaped=$(printf '%s' "$program" | sed 's/[&|]/\\&/g')
entry="$data/applications/begleiter.desktop"
sed -e "s|^Exec=.*|Exec=\"$escaped\"|" -e "s|^TryExec=.*|TryExec=$escaped|" \
    "$resources/linux/begleiter.desktop" >"$entry.part"
mv "$entry.part" "$entry"

# Desktops notice the new entry and icon sooner when their caches are refreshed (not needed everywhere).
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$data/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q "$data/icons/hicolor" || true
fi
echo "Begleiter is in the application menu: $entry"
