# SPDX-License-Identifier: GPL-3.0-or-later
"""What the end-to-end tests (e2e-*.py) share: start Lacquer and find it on the accessibility
bus, search its accessible tree, click, wait, take screenshots, report in TAP. A test calls
init() first."""

import atexit
import os
import shutil
import subprocess
import sys
import time

SKIP = 77
TIMEOUT = 60


def log(*args):
    print('#', *args, flush=True)


NAME = 'e2e'       # the test's name, for its TAP line
lacquer = None     # the app, from the command line
pyatspi = None     # imported by init()


_apps = []         # the Lacquer processes started


@atexit.register
def _kill_apps():
    """A window left on the display by a failed test would take the next tests' input."""
    for process in _apps:
        if process.poll() is None:
            process.kill()


def fail(message):
    print('not ok 1 %s: %s' % (NAME, message), flush=True)
    sys.exit(1)


def init(name, doc):
    """Reads the command line (LACQUER LACQUER_CLI OUTPUT_DIR) and skips (exit 77) without an X
    display, a D-Bus session, ImageMagick's import or pyatspi. Returns (lacquer, cli, output dir)."""
    global NAME, lacquer, pyatspi
    NAME = name
    if len(sys.argv) != 4:
        print(doc)
        sys.exit(2)
    lacquer = sys.argv[1]
    if not os.environ.get('DISPLAY') or not os.environ.get('DBUS_SESSION_BUS_ADDRESS'):
        print('1..0 # SKIP needs an X display and a D-Bus session (run through build-aux/run-tests)')
        sys.exit(SKIP)
    if not shutil.which('import'):
        print('1..0 # SKIP needs ImageMagick\'s import for the screenshot')
        sys.exit(SKIP)
    try:
        import pyatspi as module
    except ImportError:
        print('1..0 # SKIP needs pyatspi (python3-pyatspi)')
        sys.exit(SKIP)
    pyatspi = module
    return tuple(sys.argv[1:4])


def wait_until(what, predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # the tree changes under us while the app works
            value = None
        if value:
            return value
        time.sleep(0.2)
    fail('timed out waiting for ' + what)


def find(node, predicate):
    try:
        if predicate(node):
            return node
        children = list(node)
    except Exception:
        return None
    for child in children:
        if child is None:
            continue
        found = find(child, predicate)
        if found is not None:
            return found
    return None


def find_all(node, predicate, found=None):
    found = [] if found is None else found
    try:
        if predicate(node):
            found.append(node)
        children = list(node)
    except Exception:
        return found
    for child in children:
        if child is not None:
            find_all(child, predicate, found)
    return found


def role_name(role, name=None, contains=None):
    def predicate(node):
        if node.getRoleName() != role:
            return False
        if name is not None and node.name != name:
            return False
        if contains is not None and contains not in node.name:
            return False
        return True
    return predicate


def click(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ('click', 'activate', 'press'):
            action.doAction(i)
            return
    action.doAction(0)


class App:
    def __init__(self, project, env):
        self.process = subprocess.Popen([lacquer, project], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _apps.append(self.process)
        # A loaded machine can take long to start the app and its accessibility bridge.
        self.app = wait_until('the application on the accessibility bus', self._find_app, timeout=3 * TIMEOUT)
        self.frame = wait_until('the window', lambda: find(self.app, role_name('frame')))

    def _find_app(self):
        if self.process.poll() is not None:
            out, _ = self.process.communicate()
            fail('lacquer exited with status %d before showing its window: %s'
                 % (self.process.returncode, out.replace('\n', ' | ')))
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is not None and app.name == 'lacquer' and app.get_process_id() == self.process.pid:
                return app
        return None

    def find(self, what, predicate, timeout=TIMEOUT):
        return wait_until(what, lambda: find(self.app, predicate), timeout)

    def close(self):
        # The window's own close button: a clean close (asks nothing when everything is saved).
        close = self.find('the close button', role_name('push button', 'Close'))
        click(close)
        try:
            out, _ = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
            fail('the window did not close:\n' + out)
        if self.process.returncode != 0:
            fail('lacquer exited with %d:\n%s' % (self.process.returncode, out))
        return out


def seconds(clock):
    """'m:ss.cc' (or 'h:mm:ss.cc') as seconds."""
    total = 0.0
    for part in clock.split(':'):
        total = total * 60 + float(part)
    return total


def screenshot(path):
    subprocess.run(['import', '-window', 'root', path], check=True)
    log('screenshot:', path)
