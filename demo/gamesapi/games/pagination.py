"""List pagination as the reference does it: a bare JSON array, and a `Link` header for other pages.

500 rows a page, `page` (1-based) and `page_size` (no maximum; a bad value falls back to 500).
The header appears only when there is more than one page: `<next>; rel="next"`, `<prev>; rel="prev"`
or both, comma-separated, with absolute URLs.

Not for: counting rows; the reference sends no total and neither do we.
"""
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class LinkHeaderPagination(PageNumberPagination):
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = None

    def get_paginated_response(self, data) -> Response:
        links = []
        next_url = self.get_next_link()
        if next_url:
            links.append(f'<{next_url}>; rel="next"')
        previous_url = self.get_previous_link()
        if previous_url:
            links.append(f'<{previous_url}>; rel="prev"')
        headers = {"Link": ", ".join(links)} if links else None
        return Response(data, headers=headers)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {"type": "array", "items": schema}
