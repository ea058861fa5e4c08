// libpq, PostgreSQL's C client (Debian's libpq-dev), for the PostgreSQL store (SPEC §13).
#include <postgresql/libpq-fe.h>
