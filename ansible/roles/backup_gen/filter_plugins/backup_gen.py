"""The backup_gen role's filter: one setting of backup_gen_profiles[].config as a line of NAME.ini.

A value is written as it is, so the only way to get it wrong is to change what the profile says:
a line break would start a new setting, and " ;" starts a comment in the reader backup-gen keeps
from the original tool (so would everything after it be lost). Those are refused, naming the
profile, section and key, before anything is compiled.
"""

import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

KEY = re.compile(r'^[A-Za-z0-9_]+$')
SECTION = re.compile(r'^[A-Za-z0-9_.-]+$')
# A list item is one word of backup-gen's word lists: bare, or in double quotes when it has spaces.
BARE_WORD = re.compile(r'^[^\s"\']+$')


def _problem(text):
    if '\n' in text or '\r' in text:
        return 'holds a line break, which would start another setting'
    if re.search(r'\s;', text):
        return 'holds " ;", which starts a comment in the profile reader (everything after it would be lost)'
    if text != text.strip():
        return 'starts or ends with white space, which the profile reader drops'
    return None


def _word(item, where):
    if not isinstance(item, string_types) or item == '':
        raise AnsibleFilterError('%s: every item of a list is a non-empty string, not %r' % (where, item))
    if BARE_WORD.match(item):
        return item
    if '"' in item or '\n' in item or '\r' in item:
        raise AnsibleFilterError('%s: the item %r cannot be written as one word (it holds a double quote or a line break)' % (where, item))
    return '"%s"' % item


def backup_gen_ini_line(value, profile, section, key):
    """KEY = VALUE for [SECTION] of PROFILE, or an error that says which setting is wrong and why."""
    where = 'backup_gen_profiles %s: config [%s] %s' % (profile, section, key)
    if not SECTION.match(str(section)):
        raise AnsibleFilterError('%s: a section name is letters, digits, "_", "." and "-"' % where)
    if not KEY.match(str(key)):
        raise AnsibleFilterError('%s: a key is letters, digits and "_"' % where)
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


class FilterModule(object):
    def filters(self):
        return {'backup_gen_ini_line': backup_gen_ini_line}
