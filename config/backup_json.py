"""Django's JSON serialisation, with times to the microsecond.

Django's JSON encoder cuts datetimes to milliseconds, so a backup made with it would not give back
the audit history's timestamps exactly. `manage.py backup` registers this module as the "json"
format for its own run; reading (`loaddata`) needs nothing special: Django's JSON deserialiser
reads the microseconds and the offset. Times are written in Tokyo time with their offset
(`+09:00`, projects/times.py), as everything else this tool prints.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import Deserializer, DjangoJSONEncoder

from projects.times import local_isoformat

__all__ = ["Deserializer", "Serializer"]


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):  # aware (USE_TZ): the same instant, Tokyo time
            return local_isoformat(o)  # 2009-06-30T18:38:00.123456+09:00
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()
