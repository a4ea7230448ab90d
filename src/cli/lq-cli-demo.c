/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-cli-demo"

#include "config.h"

#include <glib/gi18n.h>

#include "lq-demo.h"

#include "lq-cli.h"

/* lacquer-cli demo DIR: writes the synthesized demo album into DIR. */
int
lq_cli_demo (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FOLDER — write the demo album and its project"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) project = NULL;
  g_autoptr(GFile) folder = NULL;

  g_option_context_set_summary (context,
    _("Synthesizes four short stereo tracks (drums, bass, chords; each at its own loudness)\n"
      "writes them as 24-bit 44.1 kHz WAV files, and a project that uses them."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return lq_cli_usage_error (context, error->message);
  if (argc != 2)
    return lq_cli_usage_error (context, _("demo takes one folder"));

  folder = g_file_new_for_commandline_arg (argv[1]);
  project = lq_demo_write_project (folder, NULL, &error);
  if (project == NULL)
    {
      lq_cli_print_error (argv[1], error);
      return LQ_CLI_EXIT_FAILURE;
    }
  g_print ("%s\n", g_file_peek_path (project));
  return LQ_CLI_EXIT_OK;
}
