from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }}: a dict lookup by a variable key; None when absent."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def hidden_with_errors(hidden_fields):
    """The hidden fields of a form that carry errors (a missing or altered version)."""
    return [field for field in hidden_fields if field.errors]


@register.filter
def with_errors(fields):
    """The fields of a list (a row's parts by sub-region) that carry errors."""
    return [field for field in fields if field.errors]
