/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lacquer-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gst/gst.h>

#include "lq-elements.h"

#include "lq-cli.h"

typedef struct
{
  const char *name;
  LqCliCommandFunc func;
  const char *summary;
} Command;

/* "lacquer-cli export WHAT …": one entry per kind of delivery. */
static const Command export_commands[] = {
  { "cue", lq_cli_export_cue, N_("CUE sheet, cdrdao TOC and the disc audio (WAV or BIN)") },
  { "ddp", lq_cli_export_ddp, N_("DDP 2.00 fileset for CD replication, with a PQ sheet") },
  { "streaming", lq_cli_export_streaming, N_("Per-track FLAC or WAV files for streaming services, measured and reported") },
};

static int
cli_export (int    argc,
            char **argv)
{
  gboolean help = argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0);
  FILE *stream = help ? stdout : stderr;

  if (argc >= 2)
    for (guint i = 0; i < G_N_ELEMENTS (export_commands); i++)
      if (strcmp (argv[1], export_commands[i].name) == 0)
        return export_commands[i].func (argc - 1, argv + 1);
  if (argc >= 2 && !help)
    fprintf (stream, _("lacquer-cli: unknown export “%s”\n\n"), argv[1]);
  fprintf (stream, "%s\n\n", _("Usage: lacquer-cli export WHAT PROJECT [OPTION…]"));
  for (guint i = 0; i < G_N_ELEMENTS (export_commands); i++)
    fprintf (stream, "  %-10s %s\n", export_commands[i].name, _(export_commands[i].summary));
  return help ? LQ_CLI_EXIT_OK : LQ_CLI_EXIT_USAGE;
}

static const Command commands[] = {
  { "analyze", lq_cli_analyze, N_("Measure loudness and peaks of audio files (EBU R 128)") },
  { "demo", lq_cli_demo, N_("Write the synthesized demo album into a folder") },
  { "export", cli_export, N_("Write delivery files (export ddp, cue, streaming …)") },
  { "info", lq_cli_info, N_("Print a project's timeline and settings") },
  { "new", lq_cli_new, N_("Create a project from audio files") },
  { "render", lq_cli_render, N_("Render a project's album into a WAV file") },
  { "verify", lq_cli_verify, N_("Check a delivery (verify ddp DIR [--against PROJECT])") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n%s\n", _("Usage: lacquer-cli COMMAND [OPTION…] [ARG…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("“lacquer-cli COMMAND --help” describes a command."));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? LQ_CLI_EXIT_USAGE : LQ_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("%s\n", PACKAGE_STRING);
      return LQ_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        gst_init (NULL, NULL);
        lq_elements_init ();
        return commands[i].func (argc - 1, argv + 1);
      }

  g_printerr (_("lacquer-cli: unknown command “%s”\n\n"), argv[1]);
  print_usage (stderr);
  return LQ_CLI_EXIT_USAGE;
}
