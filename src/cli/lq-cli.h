/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit codes of lacquer-cli. */
#define LQ_CLI_EXIT_OK      0
#define LQ_CLI_EXIT_FAILURE 1 /* the work failed: a bad file, a broken rule, a write error */
#define LQ_CLI_EXIT_USAGE   2 /* the command line is wrong */

/* One subcommand: gets argv with argv[0] = the subcommand's name, returns an exit code. */
typedef int (*LqCliCommandFunc) (int argc, char **argv);

int lq_cli_analyze (int argc, char **argv);
int lq_cli_demo    (int argc, char **argv);
int lq_cli_export_cue (int argc, char **argv);
int lq_cli_export_ddp (int argc, char **argv);
int lq_cli_export_streaming (int argc, char **argv);
int lq_cli_info    (int argc, char **argv);
int lq_cli_new     (int argc, char **argv);
int lq_cli_render  (int argc, char **argv);
int lq_cli_verify  (int argc, char **argv);

/* Helpers shared by the subcommands. */
int lq_cli_usage_error (GOptionContext *context, const char *message);
void lq_cli_print_error (const char *what, const GError *error);
void lq_cli_print_json (JsonBuilder *builder);

G_END_DECLS
