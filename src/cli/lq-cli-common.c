/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lq-cli.h"

/* Prints the message and the command's help to stderr; returns the usage exit code. */
int
lq_cli_usage_error (GOptionContext *context,
                    const char     *message)
{
  g_autofree char *help = context ? g_option_context_get_help (context, TRUE, NULL) : NULL;

  g_printerr ("lacquer-cli: %s\n", message);
  if (help != NULL)
    g_printerr ("\n%s", help);
  return LQ_CLI_EXIT_USAGE;
}

void
lq_cli_print_error (const char   *what,
                    const GError *error)
{
  if (what != NULL)
    g_printerr ("lacquer-cli: %s: %s\n", what, error->message);
  else
    g_printerr ("lacquer-cli: %s\n", error->message);
}

/* Prints what @builder built (one complete object) as indented JSON on stdout. */
void
lq_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}
