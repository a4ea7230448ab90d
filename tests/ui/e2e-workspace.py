#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the workspace window, driven through AT-SPI (pyatspi) like an assistive
technology would: open the demo project, select a track, change its gain, change the ceiling
of the limiter on the album's master chain, play a few seconds into a fake sink, save, close,
reopen and find both changes. A screenshot of the screen is left in the build
folder (e2e-workspace.png).

Usage: e2e-workspace.py LACQUER LACQUER_CLI OUTPUT_DIR

Needs an X display and a D-Bus session (build-aux/run-tests provides both); without them it
is skipped (exit status 77). Runs the app with LACQUER_AUDIO_SINK="fakesink sync=true".
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from lqe2e import (App, click, fail, find, log, role_name, screenshot, seconds, wait_until)
import lqe2e

lacquer, lacquer_cli, output_dir = lqe2e.init('e2e-workspace', __doc__)
pyatspi = lqe2e.pyatspi


def main():
    home = tempfile.mkdtemp(prefix='lq-e2e-')
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

    demo = os.path.join(home, 'demo')
    subprocess.run([lacquer_cli, 'demo', demo], check=True, env=env, stdout=subprocess.DEVNULL)
    project = os.path.join(demo, 'Demo Album.lacquer')

    print('1..1', flush=True)

    # ---- First run: edit, play, save ----
    app = App(project, env)
    wait_until('the project title', lambda: 'Lacquer Demo Album' in app.frame.name)
    tracks = app.find('the track list', role_name('list', 'Album tracks'))
    wait_until('four tracks', lambda: len([c for c in tracks if c is not None]) == 4)

    # Select the second track, as a screen reader user would through the list.
    if not tracks.querySelection().selectChild(1):
        fail('the track list refused the selection')
    wait_until('track 2 selected', lambda: tracks.querySelection().isChildSelected(1))
    row = app.find('the row of track 2', role_name('filler', contains='Track 2: Copper Wire'))
    log('selected:', row.name)

    # Its gain through the inspector's spin button.
    gain = app.find('the gain field', role_name('spin button', 'Gain'))
    gain.queryValue().currentValue = -3.5
    wait_until('the gain set', lambda: abs(gain.queryValue().currentValue + 3.5) < 1e-6)
    wait_until('the unsaved mark', lambda: app.frame.name.startswith('•'))
    log('title with changes:', app.frame.name)

    # The album's master chain: the demo project masters through a limiter; set its ceiling.
    click(app.find('the Master switch', role_name('push button', contains='Master Processing')))
    click(app.find('the limiter card', role_name('push button', 'Limiter Settings')))
    ceiling = app.find('the limiter ceiling', role_name('spin button', 'Ceiling'))
    log('limiter ceiling was', ceiling.queryValue().currentValue)
    ceiling.queryValue().currentValue = -1.5
    wait_until('the ceiling set', lambda: abs(ceiling.queryValue().currentValue + 1.5) < 1e-6)
    log('limiter ceiling set to', ceiling.queryValue().currentValue)

    # Play a few seconds into the fake sink.
    play = app.find('the play button', role_name('push button', 'Play'))
    position = app.find('the position', lambda n: n.getRoleName() == 'label' and n.name == '0:00.00')
    click(play)
    pause = app.find('the pause button', role_name('push button', 'Pause'), timeout=20)
    wait_until('three seconds of playback', lambda: seconds(position.name) >= 3.0, timeout=30)
    log('position while playing:', position.name)
    screenshot(os.path.join(output_dir, 'e2e-workspace.png'))
    click(pause)
    app.find('the play button again', role_name('push button', 'Play'))

    # Save (the project has its file) and close.
    click(app.find('the save button', role_name('push button', 'Save')))
    wait_until('the saved title', lambda: not app.frame.name.startswith('•'))
    log('title after saving:', app.frame.name)
    app.close()

    with open(project) as f:
        saved = json.load(f)
    if abs(saved['tracks'][1]['gain_db'] + 3.5) > 1e-6:
        fail('the saved project has gain %s on track 2' % saved['tracks'][1]['gain_db'])
    for i in (0, 2, 3):
        if saved['tracks'][i]['gain_db'] != 0:
            fail('the gain went to track %d' % (i + 1))
    limiters = [e for e in saved['master'] if e.get('element') == 'lqlimiter']
    log('saved master chain:', json.dumps(saved['master']))
    if len(limiters) != 1 or abs(float(limiters[0]['properties']['ceiling']) + 1.5) > 1e-6:
        fail('the saved master chain has no limiter at -1.5: %s' % json.dumps(saved['master']))

    # ---- Second run: the change is there ----
    app = App(project, env)
    wait_until('the project title', lambda: app.frame.name == 'Lacquer Demo Album — Lacquer')
    tracks = app.find('the track list', role_name('list', 'Album tracks'))
    wait_until('four tracks', lambda: len([c for c in tracks if c is not None]) == 4)
    tracks.querySelection().selectChild(1)
    gain = app.find('the gain field', role_name('spin button', 'Gain'))
    wait_until('the reopened gain', lambda: abs(gain.queryValue().currentValue + 3.5) < 1e-6, timeout=10)
    log('reopened: track 2 gain', gain.queryValue().currentValue)
    click(app.find('the Master switch', role_name('push button', contains='Master Processing')))
    click(app.find('the limiter card', role_name('push button', 'Limiter Settings')))
    ceiling = app.find('the limiter ceiling', role_name('spin button', 'Ceiling'))
    wait_until('the reopened ceiling', lambda: abs(ceiling.queryValue().currentValue + 1.5) < 1e-6, timeout=10)
    log('reopened: master limiter ceiling', ceiling.queryValue().currentValue)
    screenshot(os.path.join(output_dir, 'e2e-workspace-reopened.png'))
    app.close()

    print('ok 1 e2e-workspace', flush=True)


if __name__ == '__main__':
    main()
