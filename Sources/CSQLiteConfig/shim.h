// SQLite's process-wide settings, which Swift cannot reach itself (sqlite3_config is variadic).
#include <sqlite3.h>

/// Turns SQLite's memory statistics off (SQLITE_CONFIG_MEMSTATUS): every allocation then skips a
/// global mutex. Works only before SQLite initializes (the first connection); SQLITE_MISUSE after.
static inline int coffer_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
