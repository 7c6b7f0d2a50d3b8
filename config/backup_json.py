"""Django's JSON serialisation, with times to the microsecond.

Django's JSON encoder cuts datetimes to milliseconds, so a backup made with it would not give back
the audit history's timestamps exactly. `manage.py backup` registers this module as the "json"
format for its own run; reading (`loaddata`) needs nothing special: Django's JSON deserialiser
reads the microseconds.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import Deserializer, DjangoJSONEncoder

__all__ = ["Deserializer", "Serializer"]


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()
