"""The backup_gen role's filters: the checks of backup_gen_profiles, and one setting of
backup_gen_profiles[].config as a line of NAME.ini.

A value is written as it is, so the only way to get it wrong is to change what the profile says:
a line break would start a new setting, and " ;" starts a comment in the reader backup-gen keeps
from the original tool (so would everything after it be lost). Those are refused, naming the
profile, section and key, before anything is compiled.
"""

import copy
import os.path
import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

KEY = re.compile(r'^[A-Za-z0-9_]+$')
SECTION = re.compile(r'^([A-Za-z0-9_.-]+|volume [A-Za-z0-9_-]+)$')
# NAME makes NAME.sh, NAME.ini, backup-gen-NAME.timer and a command-line argument: no leading "-".
PROFILE_NAME = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.-]*$')
# A list item written bare: nothing backup-gen's word splitting (POSIX shlex) would read otherwise.
BARE_WORD = re.compile(r'^[^\s"\'\\]+$')


def _problem(text):
    if '\n' in text or '\r' in text:
        return 'holds a line break, which would start another setting'
    if re.search(r'\s;', text):
        return 'holds " ;", which starts a comment in the profile reader (everything after it would be lost)'
    if text != text.strip():
        return 'starts or ends with white space, which the profile reader drops'
    return None


def _word(item, where):
    if isinstance(item, bool) or not isinstance(item, string_types + (int,)) or item == '':
        raise AnsibleFilterError('%s: every item of a list is a non-empty string or a whole number, not %r' % (where, item))
    item = str(item)
    if BARE_WORD.match(item):
        return item
    # In double quotes, POSIX shlex reads \\ as \ and \" as "; every other character as it is.
    return '"%s"' % item.replace('\\', '\\\\').replace('"', '\\"')


def backup_gen_ini_line(value, profile, section, key):
    """KEY = VALUE for [SECTION] of PROFILE, or an error that says which setting is wrong and why."""
    where = 'backup_gen_profiles %s: config [%s] %s' % (profile, section, key)
    if not SECTION.match(str(section)):
        raise AnsibleFilterError('%s: a section name is letters, digits, "_", "." and "-", or "volume NAME"' % where)
    if not KEY.match(str(key)):
        raise AnsibleFilterError('%s: a key is letters, digits and "_"' % where)
    if str(key).lower() == 'rem':
        raise AnsibleFilterError('%s: a line that starts with "rem" is a comment in the profile reader' % where)
    if isinstance(value, bool):
        text = 'true' if value else 'false'
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, string_types):
        text = value
    elif isinstance(value, list):
        text = ' '.join(_word(item, where) for item in value)
    else:
        raise AnsibleFilterError('%s: a value is a string, a number, a boolean or a list of strings, not %s' % (where, type(value).__name__))
    problem = _problem(text)
    if problem is not None:
        raise AnsibleFilterError('%s: the value %r %s' % (where, text, problem))
    return '%s = %s' % (key, text)


def backup_gen_public(profiles):
    """backup_gen_profiles with the content of every files[] entry hidden: what may be shown in a
    task's result, a loop label or a fact."""
    public = copy.deepcopy(profiles)
    for profile in public:
        for item in (profile.get('files') or []) if isinstance(profile, dict) else []:
            if isinstance(item, dict) and 'content' in item:
                item['content'] = '(hidden)'
    return public


def _file_problems(profile, name):
    problems = []
    for item in profile.get('files') or []:
        dest = item.get('dest') if isinstance(item, dict) else None
        where = 'backup_gen_profiles %s: files %s' % (name, dest if dest else repr(item))
        if not isinstance(dest, string_types) or not dest:
            problems.append('%s: dest, the path on the host, is required' % where)
            continue
        if not dest.startswith('/') or os.path.normpath(dest) != dest or dest == '/':
            problems.append('%s: dest must be an absolute, normalized path to a file (no "..", "//" or trailing "/")' % where)
        if ('src' in item) == ('content' in item):
            problems.append('%s: give exactly one of src (a file on the control node) and content' % where)
    return problems


def backup_gen_entry_problems(entries, script_dir, profile_dir, unit_dir):
    """Every problem of the entries (backup_gen_profiles with their defaults filled in), one line
    each, naming the profile: the role checks them all before it compiles or copies anything."""
    problems = []
    names = {}
    schedules = {}
    owner_of = {}
    for entry in entries:
        name = entry.get('name')
        if not isinstance(name, string_types) or not PROFILE_NAME.match(name):
            problems.append('backup_gen_profiles %r: a name is letters, digits, "_", "." and "-", not starting with "." or "-" '
                            '(it names a systemd unit, a file and a command-line argument)' % (name,))
            continue
        if name in names:
            problems.append('backup_gen_profiles %s: listed twice; each name must be unique on a host' % name)
        names[name] = True
        # backup-gen names the cron file backup-gen-NAME with "." written "_" (cron skips names with dots).
        schedule = name.replace('.', '_')
        if schedule in schedules and schedules[schedule] != name:
            problems.append('backup_gen_profiles %s and %s: both would use /etc/cron.d/backup-gen-%s; rename one'
                            % (schedules[schedule], name, schedule))
        schedules[schedule] = name
        for path in ('%s/%s.sh' % (script_dir, name), '%s/%s.ini' % (profile_dir, name),
                     '%s/%s.manifest.json' % (profile_dir, name), '%s/backup-gen-%s.service' % (unit_dir, name),
                     '%s/backup-gen-%s.timer' % (unit_dir, name), '/etc/cron.d/backup-gen-%s' % schedule):
            owner_of[path] = 'the role\'s own file for profile %s' % name
        if entry.get('state') == 'present' and ('src' in entry) == ('config' in entry):
            problems.append('backup_gen_profiles %s: a profile to install needs exactly one of src (a profile file on the '
                            'control node) and config (settings rendered by the role\'s template)' % name)
        problems.extend(_file_problems(entry, name))
    for entry in entries:
        for item in entry.get('files') or []:
            dest = item.get('dest') if isinstance(item, dict) else None
            if not isinstance(dest, string_types):
                continue
            if dest in owner_of:
                problems.append('backup_gen_profiles %s: files %s is already %s' % (entry.get('name'), dest, owner_of[dest]))
            owner_of[dest] = 'a file of profile %s' % entry.get('name')
    return problems


class FilterModule(object):
    def filters(self):
        return {
            'backup_gen_ini_line': backup_gen_ini_line,
            'backup_gen_public': backup_gen_public,
            'backup_gen_entry_problems': backup_gen_entry_problems,
        }
