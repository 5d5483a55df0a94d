"""Elasticsearch: the production index, behind the same small interface as the embedded one.

Layout, for an index prefix P (`ElasticsearchSettings.index_prefix`, "daftar" by default):

    P-files-v<n>   behind the alias P-files   one document per record file, id = file_id
    P-pages-v<n>   behind the alias P-pages   one document per page, id = "<file_id>:<page>"
                                              (page 0 is the file's title, as in the embedded index)

Everything reads and writes through the aliases, so `reindex` can build version n+1 beside version
n and swap both aliases in one atomic call: search never goes dark and a file's address (its
file_id, its file number) never changes. Mappings and settings are index templates kept as data
in `indexers/templates/` (component templates composed into one index template per kind).

Text is folded here, in Python, with `domain.text.fold` (Urdu letter variants, Urdu, Arabic-Indic
and Devanagari digits, optional marks), not by an Elasticsearch analyzer: the official
integ-test-zip distribution ships no analysis plugins at all, and one folding function for both
backends means both find exactly the same pages. Snippets are highlighted on the folded text and
mapped back onto the page as OCR read it, so a record keeper reads the original spelling.

One module per concern:

    documents   what is sent: file and page documents, their ids, the folded fields
    snippets    highlights on folded text put back onto the original page
    bulk        batches bounded in documents and bytes, sent with retries
    layout      the client, templates, versioned indices behind aliases, reindex and the swap
    index       ElasticsearchIndex: add, search, lookup, count, close
"""

from indexers.elasticsearch.bulk import BulkPolicy
from indexers.elasticsearch.index import ElasticsearchIndex
from indexers.elasticsearch.layout import IndexNames, ReindexReport, connect, load_templates, reindex

__all__ = ["BulkPolicy", "ElasticsearchIndex", "IndexNames", "ReindexReport", "connect", "load_templates", "reindex"]
