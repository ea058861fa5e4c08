#ifndef COFFER_CNCURSESW_SHIM_H
#define COFFER_CNCURSESW_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

/* Swift cannot import these macros (or imports them as unsafe globals): small accessors. */
static inline WINDOW *coffer_stdscr(void) { return stdscr; }
static inline int coffer_lines(void) { return LINES; }
static inline int coffer_cols(void) { return COLS; }
static inline int coffer_colors(void) { return COLORS; }
static inline int coffer_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t coffer_a_normal(void) { return A_NORMAL; }
static inline attr_t coffer_a_bold(void) { return A_BOLD; }
static inline attr_t coffer_a_reverse(void) { return A_REVERSE; }
static inline attr_t coffer_a_dim(void) { return A_DIM; }
static inline attr_t coffer_a_underline(void) { return A_UNDERLINE; }
static inline int coffer_key_f(int n) { return KEY_F(n); }
static inline void coffer_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
static inline FILE *coffer_stdin(void) { return stdin; }
static inline FILE *coffer_stdout(void) { return stdout; }
static inline const char *coffer_codeset(void) { return nl_langinfo(CODESET); }

/* Mouse button masks. */
static inline mmask_t coffer_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t coffer_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t coffer_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t coffer_button3_pressed(void) { return BUTTON3_PRESSED; }
static inline mmask_t coffer_button3_clicked(void) { return BUTTON3_CLICKED; }
static inline mmask_t coffer_button3_released(void) { return BUTTON3_RELEASED; }
static inline mmask_t coffer_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t coffer_button5_pressed(void) { return BUTTON5_PRESSED; }

/* Terminal restoration on signals and at exit: endwin, then hand the signal to whoever
   handled it before (e.g. the Swift runtime's backtracer) or to the default action. */
static inline struct sigaction *coffer_previous_action(int sig) {
    static struct sigaction actions[NSIG];
    return &actions[sig];
}

static void coffer_restore_on_signal(int sig) {
    if (!isendwin()) endwin();
    sigaction(sig, coffer_previous_action(sig), NULL);
    raise(sig); /* delivered when this handler returns */
}

static void coffer_restore_at_exit(void) {
    if (stdscr != NULL && !isendwin()) endwin();
}

static inline void coffer_install_restore_handlers(void) {
    static int installed = 0;
    if (installed) return;
    installed = 1;
    int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = coffer_restore_on_signal;
        sigemptyset(&action.sa_mask);
        sigaction(signals[i], &action, coffer_previous_action(signals[i]));
    }
    atexit(coffer_restore_at_exit);
}
#endif
