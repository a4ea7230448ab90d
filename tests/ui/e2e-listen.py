#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of listening and delivering from the window, driven through AT-SPI (pyatspi)
like an assistive technology would: open the demo project, add a reference (one of the demo's
own track files) through Add Reference… and its file chooser, see it measured in the reference
selector, play, toggle A/B and the reference with the header's controls, then export a DDP image
and a Spotify delivery from the export dialogs (destination chosen in the folder chooser), and
check the files: `lacquer-cli verify ddp` on the DDP, and the streaming report (every track
passes). Screenshots of each view are left in the build folder (e2e-listen-*.png).

Usage: e2e-listen.py LACQUER LACQUER_CLI OUTPUT_DIR

Needs an X display and a D-Bus session (build-aux/run-tests provides both); without them it
is skipped (exit status 77). Runs the app with LACQUER_AUDIO_SINK="fakesink sync=true".
"""

import ctypes
import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from lqe2e import (App, TIMEOUT, click, fail, find, log, role_name, screenshot, seconds, wait_until)
import lqe2e

lacquer, lacquer_cli, output_dir = lqe2e.init('e2e-listen', __doc__)
pyatspi = lqe2e.pyatspi


def button(name=None, prefix=None):
    """A push or toggle button (GTK 4 gives toggle and menu buttons either role) by name."""
    def predicate(node):
        if node.getRoleName() not in ('push button', 'toggle button'):
            return False
        if name is not None and node.name != name:
            return False
        if prefix is not None and not node.name.startswith(prefix):
            return False
        return node.queryAction().nActions > 0   # a menu button's inner button, not its frame
    return predicate


def pressed(node):
    states = node.getState()
    return states.contains(pyatspi.STATE_CHECKED) or states.contains(pyatspi.STATE_PRESSED)


def dump(node, depth=0, out=None):
    """The accessible tree under @node as text (for the log when something is not found)."""
    out = [] if out is None else out
    try:
        out.append('  ' * depth + '%s %r' % (node.getRoleName(), node.name))
        children = list(node)
    except Exception:
        return out
    for child in children:
        if child is not None and depth < 40:
            dump(child, depth + 1, out)
    return out


class XTest:
    """Key presses and pointer moves through the X server's XTEST extension (libXtst): the
    keyboard goes to the window under the pointer, as there is no window manager."""

    def __init__(self):
        self.x11 = ctypes.CDLL(ctypes.util.find_library('X11') or 'libX11.so.6')
        self.xtst = ctypes.CDLL(ctypes.util.find_library('Xtst') or 'libXtst.so.6')
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XKeycodeToKeysym.argtypes = [ctypes.c_void_p, ctypes.c_ubyte, ctypes.c_int]
        self.x11.XKeycodeToKeysym.restype = ctypes.c_ulong
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self.xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                                   ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(None)
        if not self.display:
            fail('cannot open the X display for XTEST')

    def move(self, x, y):
        self.xtst.XTestFakeMotionEvent(self.display, -1, int(x), int(y), 0)
        self.x11.XFlush(self.display)
        time.sleep(0.1)

    def key(self, keysym):
        code = self.x11.XKeysymToKeycode(self.display, keysym)
        if code == 0:
            fail('no key for keysym 0x%x' % keysym)
        # The symbol on the key's shifted level needs Shift.
        shift = self.x11.XKeycodeToKeysym(self.display, code, 0) != keysym
        shift_code = self.x11.XKeysymToKeycode(self.display, 0xffe1)  # Shift_L
        if shift:
            self.xtst.XTestFakeKeyEvent(self.display, shift_code, 1, 0)
        self.xtst.XTestFakeKeyEvent(self.display, code, 1, 0)
        self.xtst.XTestFakeKeyEvent(self.display, code, 0, 0)
        if shift:
            self.xtst.XTestFakeKeyEvent(self.display, shift_code, 0, 0)
        self.x11.XFlush(self.display)
        time.sleep(0.03)

    def type(self, text):
        for ch in text:
            self.key(ord(ch))

    def close(self):
        self.x11.XCloseDisplay(self.display)


xtest = None


def top_level(app, title):
    """The application's window named @title (GTK 4 dialogs are "filler" or "dialog")."""
    for child in app.app:
        if child is not None and child.name == title:
            return child
    return None


def labelled(name):
    """A button whose name is @name, or has it after its mnemonic label ("_Add Add")."""
    def predicate(node):
        return (node.getRoleName() in ('push button', 'toggle button')
                and (node.name == name or node.name.endswith(' ' + name)))
    return predicate


def choose_file(app, title, path, button):
    """In the file chooser dialog titled @title, goes to @path (typed into its location entry,
    which typing "/" opens) and presses @button."""
    dialog = wait_until('the dialog “%s”' % title, lambda: top_level(app, title))
    time.sleep(1.0)
    # No window manager: the keyboard goes to the window under the pointer. Typing "/" in the
    # file list opens the location entry; the rest of the path goes there.
    x, y, w, h = dialog.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    xtest.move(x + w // 2, y + h // 3)
    xtest.key(ord('/'))
    time.sleep(1.0)
    xtest.type(path[1:])
    time.sleep(1.0)
    log('typed:', path)
    for attempt in range(3):
        click(wait_until('the %s button' % button, lambda: find(dialog, labelled(button))))
        # A folder path may first open the folder: the button then selects it.
        deadline = time.monotonic() + 3
        while top_level(app, title) is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        if top_level(app, title) is None:
            break
    wait_until('the dialog closed', lambda: top_level(app, title) is None)


def run_export(app, menu_name, title, folder, kind):
    """Opens the export dialog from the Export menu, chooses @folder, exports, waits for the
    report; returns the report's text."""
    click(app.find('the Export menu', button('Export')))
    click(app.find('the menu item ' + menu_name, lambda n: n.name.replace('_', '') == menu_name))
    dialog = wait_until('the export dialog', lambda: next((c for c in app.app if c is not None
                                                           and title in c.name and c != app.frame), None))
    dialog_name = dialog.name
    log('export dialog:', dialog_name)
    click(app.find('the Choose Folder button', labelled('Choose Folder…')))
    choose_file(app, 'Export Into Folder', folder + '/', 'Select')
    export = wait_until('the Export button', lambda: find(dialog, labelled('Export')))
    screenshot(os.path.join(output_dir, 'e2e-listen-export-%s-checks.png' % kind))
    wait_until('the checks passed (Export enabled)', lambda: export.getState().contains(pyatspi.STATE_SENSITIVE),
               timeout=10)
    click(export)
    report = wait_until('the verification report',
                        lambda: find(dialog, lambda n: n.getRoleName() == 'text' and n.name == 'Verification report'
                                     and n.queryText().characterCount > 0),
                        timeout=3 * TIMEOUT)
    text = report.queryText().getText(0, -1)
    screenshot(os.path.join(output_dir, 'e2e-listen-export-%s-report.png' % kind))
    # Close the dialog with its own close button.
    click(find(dialog, labelled('Close')))
    wait_until('the export dialog closed', lambda: top_level(app, dialog_name) is None)
    return text


def main():
    home = tempfile.mkdtemp(prefix='lq-e2e-listen-')
    try:
        run(home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(home):
    env = dict(os.environ)
    for var, sub in (('XDG_DATA_HOME', 'data'), ('XDG_CACHE_HOME', 'cache'), ('XDG_CONFIG_HOME', 'config')):
        env[var] = os.path.join(home, sub)
        os.makedirs(env[var])
    env['NO_AT_BRIDGE'] = '0'          # the C tests turn the bridge off; here it is the point
    env['GTK_A11Y'] = 'atspi'
    env['LACQUER_AUDIO_SINK'] = 'fakesink sync=true'
    env['GSETTINGS_BACKEND'] = 'memory'
    env['GTK_USE_PORTAL'] = '0'        # GTK's own file chooser, on the accessibility bus

    demo = os.path.join(home, 'demo')
    subprocess.run([lacquer_cli, 'demo', demo], check=True, env=env, stdout=subprocess.DEVNULL)
    project = os.path.join(demo, 'Demo Album.lacquer')
    reference = sorted(f for f in os.listdir(demo) if f.endswith('.wav'))[0]
    exports = os.path.join(home, 'exports')
    os.makedirs(exports)

    print('1..1', flush=True)
    run_app(env, project, demo, reference, exports)


def run_app(env, project, demo, reference, exports):
    global xtest
    xtest = XTest()
    app = App(project, env)
    try:
        steps(app, demo, reference, exports)
    except SystemExit:
        with open(os.path.join(output_dir, 'e2e-listen-tree.txt'), 'w') as f:
            f.write('\n'.join(dump(app.app)))
        screenshot(os.path.join(output_dir, 'e2e-listen-failed.png'))
        app.process.kill()
        raise
    # Close: the project has changes (the reference, the pre-gap); discard them.
    click(app.find('the close button', role_name('push button', 'Close')))
    click(app.find('the Discard button', labelled('Discard')))
    try:
        out, _ = app.process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        app.process.kill()
        out, _ = app.process.communicate()
        fail('the window did not close:\n' + out)
    if app.process.returncode != 0:
        fail('lacquer exited with %d:\n%s' % (app.process.returncode, out))
    print('ok 1 e2e-listen', flush=True)


def steps(app, demo, reference, exports):
    wait_until('the project title', lambda: 'Lacquer Demo Album' in app.frame.name)
    tracks = app.find('the track list', role_name('list', 'Album tracks'))
    wait_until('four tracks', lambda: len([c for c in tracks if c is not None]) == 4)

    # ---- Add a reference through the selector and its file chooser ----
    selector = app.find('the reference selector', button('Listening to: Album'))
    click(selector)
    click(app.find('Add Reference…', lambda n: n.name.replace('_', '') == 'Add Reference…'))
    choose_file(app, 'Add Reference', os.path.join(demo, reference), 'Add')
    # Measured on import: the selector's menu lists it with its loudness and true peak.
    click(selector)
    item = app.find('the measured reference', lambda n: n.name.startswith(reference[:-4])
                    and 'LUFS' in n.name and '… LUFS' not in n.name, timeout=2 * TIMEOUT)
    log('reference in the selector:', item.name)
    analyzed = subprocess.run([lacquer_cli, 'analyze', os.path.join(demo, reference)], check=True,
                              capture_output=True, text=True).stdout
    log('lacquer-cli analyze:', analyzed.strip().replace('\n', ' | '))
    screenshot(os.path.join(output_dir, 'e2e-listen-references.png'))
    xtest.key(0xff1b)  # Escape closes the menu

    # ---- Play, A/B, reference ----
    play = app.find('the play button', role_name('push button', 'Play'))
    position = app.find('the position', lambda n: n.getRoleName() == 'label' and n.name == '0:00.00')
    click(play)
    pause = app.find('the pause button', role_name('push button', 'Pause'), timeout=20)
    wait_until('two seconds of playback', lambda: seconds(position.name) >= 2.0, timeout=30)
    b = app.find('the B button', button('Hear the unprocessed album (B)'))
    click(b)
    wait_until('B pressed', lambda: pressed(b), timeout=10)
    match = app.find('the loudness match', button(prefix='Loudness match'))
    wait_until('the match gain', lambda: 'dB' in match.name, timeout=2 * TIMEOUT)
    log('B with', match.name)
    screenshot(os.path.join(output_dir, 'e2e-listen-ab.png'))
    a = app.find('the A button', button('Hear the processed album (A)'))
    click(a)
    wait_until('A pressed', lambda: pressed(a), timeout=10)

    click(selector)
    click(app.find('the reference item', lambda n: n.name.startswith(reference[:-4]) and 'LUFS' in n.name))
    wait_until('the reference heard', lambda: selector.name == 'Listening to: ' + reference[:-4]
               or reference[:-4] in selector.name, timeout=10)
    log('now', selector.name)
    wait_until('playback goes on', lambda: seconds(position.name) >= 3.0, timeout=30)
    screenshot(os.path.join(output_dir, 'e2e-listen-reference.png'))
    # The spectrum view's spectrogram mode, and back
    spectrogram = app.find('the spectrogram toggle', button('Show the spectrogram'))
    click(spectrogram)
    wait_until('the spectrogram on', lambda: pressed(spectrogram), timeout=10)
    time.sleep(2)
    screenshot(os.path.join(output_dir, 'e2e-listen-spectrogram.png'))
    click(spectrogram)
    wait_until('the spectrogram off', lambda: not pressed(spectrogram), timeout=10)
    click(selector)
    click(app.find('the album item', lambda n: n.name.replace('_', '') == 'Album' and n.getRoleName() != 'label'
                   and n.queryAction().nActions > 0))
    wait_until('the album heard', lambda: selector.name == 'Listening to: Album', timeout=10)
    # Pause (again if the click came while the button was changing)
    for attempt in range(5):
        pause = find(app.app, role_name('push button', 'Pause'))
        if pause is None:
            break
        click(pause)
        deadline = time.monotonic() + 5
        while find(app.app, role_name('push button', 'Play')) is None and time.monotonic() < deadline:
            time.sleep(0.2)
    app.find('the play button again', role_name('push button', 'Play'))

    # ---- Exports ----
    # A CD needs 2 s of pre-gap before track 1 (the Red Book check in the DDP dialog says so).
    if not tracks.querySelection().selectChild(0):
        fail('the track list refused the selection')
    pause_field = app.find('the pause field', role_name('spin button', 'Pause Before'))
    pause_field.queryValue().currentValue = 2.0
    wait_until('the pause set', lambda: abs(pause_field.queryValue().currentValue - 2.0) < 1e-6)

    text = run_export(app, 'Export DDP Image…', 'DDP', exports, 'ddp')
    log('DDP report:', text.strip().replace('\n', ' | ')[:400])
    ddp = [d for d in os.listdir(exports) if 'DDP' in d or 'ddp' in d]
    if not ddp:
        fail('no DDP folder in %s' % os.listdir(exports))
    verify = subprocess.run([lacquer_cli, 'verify', 'ddp', os.path.join(exports, ddp[0])],
                            capture_output=True, text=True)
    log('lacquer-cli verify ddp:', verify.stdout.strip().replace('\n', ' | ')[:400])
    if verify.returncode != 0:
        fail('lacquer-cli verify ddp failed (%d): %s %s' % (verify.returncode, verify.stdout, verify.stderr))

    text = run_export(app, 'Export for Streaming…', 'Streaming', exports, 'streaming')
    log('streaming report:', text.strip().replace('\n', ' | ')[:400])
    # The default delivery preset of the preferences is Spotify.
    if 'Preset Spotify' not in text:
        fail('the streaming export did not use the Spotify preset: ' + text[:300])
    others = [d for d in os.listdir(exports) if d not in ddp]
    report = [os.path.join(exports, d, 'report.json') for d in others
              if os.path.exists(os.path.join(exports, d, 'report.json'))]
    if not report:
        fail('no report.json in the streaming export')
    with open(report[0]) as f:
        data = json.load(f)
    log('report: passed %s, %s failures, album %.2f LUFS' % (data.get('passed'), data.get('failures'),
                                                              data['album']['integrated_lufs']))
    # Every track's loudness in the report is that of its file, as ffmpeg's EBU R 128 filter
    # reads it (an independent measure).
    if shutil.which('ffmpeg'):
        folder = os.path.dirname(report[0])
        for track in data['tracks']:
            path = os.path.join(folder, os.path.basename(track['file']))
            out = subprocess.run(['ffmpeg', '-nostats', '-hide_banner', '-i', path, '-af', 'ebur128',
                                  '-f', 'null', '-'], capture_output=True, text=True).stderr
            summary = out[out.rfind('Summary:'):]
            measured = float(summary.split('I:')[1].split('LUFS')[0])
            log('%s: report %.2f LUFS, ffmpeg %.1f LUFS' % (os.path.basename(path), track['integrated_lufs'], measured))
            if abs(measured - track['integrated_lufs']) > 0.15:
                fail('the report gives %s %.2f LUFS, ffmpeg measures %.1f'
                     % (path, track['integrated_lufs'], measured))
    if not others:
        fail('no streaming folder in %s' % os.listdir(exports))
    files = os.listdir(os.path.join(exports, others[0]))
    log('streaming files:', ', '.join(sorted(files)))
    if len([f for f in files if not f.endswith(('.txt', '.json', '.csv', '.md'))]) < 4:
        fail('the streaming export has not four audio files: %s' % files)


if __name__ == '__main__':
    main()
