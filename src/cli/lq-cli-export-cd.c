/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-cli-export-cd"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "lq-cue.h"
#include "lq-ddp-reader.h"
#include "lq-ddp.h"
#include "lq-pq-sheet.h"
#include "lq-project.h"
#include "lq-redbook-check.h"

#include "lq-cli.h"

/* Shows the percentage done when stderr is a terminal. */
static void
progress_cb (double   fraction,
             gpointer user_data)
{
  int *last = user_data;
  int percent = (int) (fraction * 100);

  if (percent != *last)
    g_printerr ("\r%3d %%", percent);
  *last = percent;
  if (percent >= 100)
    g_printerr ("\r      \r");
}

/* "MM:SS" or "MM:SS:FF" as CD frames. */
static gboolean
parse_length (const char *text,
              guint64    *frames)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);
  guint n = g_strv_length (parts);
  guint64 v[3] = { 0, 0, 0 };

  if (n < 2 || n > 3)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!g_ascii_string_to_unsigned (parts[i], 10, 0, i == 0 ? 999 : i == 1 ? 59 : 74, &v[i], NULL))
      return FALSE;
  *frames = LQ_CD_MSF (v[0], v[1], v[2]);
  return TRUE;
}

static gboolean
parse_limits (GOptionContext   *context,
              const char       *warn,
              const char       *max,
              LqRedbookLimits  *limits,
              int              *exit_code)
{
  lq_redbook_limits_init (limits);
  if ((warn != NULL && !parse_length (warn, &limits->warn_length))
      || (max != NULL && !parse_length (max, &limits->max_length)))
    {
      *exit_code = lq_cli_usage_error (context, _("--warn-length and --max-length take MM:SS or MM:SS:FF"));
      return FALSE;
    }
  return TRUE;
}

static void
print_issues (GPtrArray *issues)
{
  for (guint i = 0; i < issues->len; i++)
    {
      LqRedbookIssue *issue = issues->pdata[i];

      g_printerr ("%s: %s\n", issue->severity == LQ_CHECK_ERROR ? _("error") : _("warning"), issue->message);
    }
}

static LqProject *
load_project (const char  *arg,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (arg);

  return lq_project_load (file, NULL, error);
}

/* Reads the fileset just written back and checks it: exit code. */
static int
verify_written (GFile *folder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqDdpReader) reader = lq_ddp_reader_open (folder, &error);
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();

  if (reader == NULL || !lq_ddp_reader_verify (reader, NULL, issues, NULL, &error))
    {
      lq_cli_print_error (_("reading the DDP back"), error);
      return LQ_CLI_EXIT_FAILURE;
    }
  if (lq_redbook_issues_count (issues, LQ_CHECK_ERROR) > 0)
    {
      g_printerr ("%s\n", _("lacquer-cli: the DDP fileset read back has problems:"));
      print_issues (issues);
      return LQ_CLI_EXIT_FAILURE;
    }
  return LQ_CLI_EXIT_OK;
}

/* ---- lacquer-cli export ddp ---- */

int
lq_cli_export_ddp (int    argc,
                   char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *master_id = NULL;
  g_autofree char *warn = NULL;
  g_autofree char *max = NULL;
  gboolean force = FALSE, no_sheet = FALSE, quiet = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The DDP folder to make (it must not exist or be empty)"), N_("DIR") },
    { "master-id", 0, 0, G_OPTION_ARG_STRING, &master_id, N_("Master ID in DDPID (default: the album title)"), N_("TEXT") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, N_("Replace the folder if it exists"), NULL },
    { "no-pq-sheet", 0, 0, G_OPTION_ARG_NONE, &no_sheet, N_("Do not write PQSHEET.TXT and PQSHEET.PDF"), NULL },
    { "warn-length", 0, 0, G_OPTION_ARG_STRING, &warn, N_("Warn past this disc length (default 79:57:74)"), N_("MM:SS[:FF]") },
    { "max-length", 0, 0, G_OPTION_ARG_STRING, &max, N_("Refuse discs longer than this (default 80:00:00)"), N_("MM:SS[:FF]") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print only problems"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT -o DIR — a DDP 2.00 fileset for CD replication"));
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  LqDdpOptions options;
  int last = -1, code;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Checks the Red Book rules, renders the album at 44.1 kHz dithered to 16 bits and writes\n"
      "DDPID, DDPMS, IMAGE.DAT, PQDESCR, CDTEXT.BIN (when there is CD-Text), CHECKSUM.MD5 and\n"
      "the PQ sheet into DIR, which appears only when complete. The fileset is then read back\n"
      "and verified. Exit status 0 only when it is complete and valid."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return lq_cli_usage_error (context, error->message);
  if (argc != 2 || output == NULL)
    return lq_cli_usage_error (context, _("export ddp takes one project and -o DIR"));

  lq_ddp_options_init (&options);
  if (!parse_limits (context, warn, max, &options.limits, &code))
    return code;
  options.master_id = master_id;
  options.overwrite = force;
  options.pq_sheet = !no_sheet;
  options.issues = issues;

  project = load_project (argv[1], &error);
  if (project == NULL)
    {
      lq_cli_print_error (argv[1], error);
      return LQ_CLI_EXIT_FAILURE;
    }
  folder = g_file_new_for_commandline_arg (output);
  if (!lq_ddp_export (project, folder, &options, NULL, !quiet && isatty (2) ? progress_cb : NULL, &last, &error))
    {
      if (!quiet || !g_error_matches (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_RED_BOOK))
        print_issues (issues);
      if (g_error_matches (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_RED_BOOK))
        g_printerr ("%s\n", _("lacquer-cli: nothing was written: the album breaks the rules above"));
      else
        lq_cli_print_error (output, error);
      return LQ_CLI_EXIT_FAILURE;
    }
  print_issues (issues);
  code = verify_written (folder);
  if (code == LQ_CLI_EXIT_OK && !quiet)
    {
      g_autoptr(LqDdpReader) reader = lq_ddp_reader_open (folder, NULL);
      const LqCdDisc *disc = reader != NULL ? lq_ddp_reader_get_disc (reader) : NULL;

      if (disc != NULL)
        {
          g_autofree char *length = lq_redbook_format_msf (disc->length);

          g_print (_("DDP 2.00 fileset written to %s: %u tracks, %s, verified\n"), output, disc->n_tracks, length);
        }
    }
  return code;
}

/* ---- lacquer-cli export cue ---- */

int
lq_cli_export_cue (int    argc,
                   char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *name = NULL;
  g_autofree char *warn = NULL;
  g_autofree char *max = NULL;
  gboolean force = FALSE, bin = FALSE, quiet = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The folder to make (it must not exist or be empty)"), N_("DIR") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("File name without extension (default: the album title)"), N_("NAME") },
    { "bin", 0, 0, G_OPTION_ARG_NONE, &bin, N_("Write the audio as a raw little-endian BIN instead of a WAV"), NULL },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, N_("Replace the folder if it exists"), NULL },
    { "warn-length", 0, 0, G_OPTION_ARG_STRING, &warn, N_("Warn past this disc length (default 79:57:74)"), N_("MM:SS[:FF]") },
    { "max-length", 0, 0, G_OPTION_ARG_STRING, &max, N_("Refuse discs longer than this (default 80:00:00)"), N_("MM:SS[:FF]") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print only problems"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT -o DIR — CUE sheet, cdrdao TOC and the disc audio"));
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  LqCueOptions options;
  int last = -1, code;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Checks the Red Book rules, renders the album at 44.1 kHz dithered to 16 bits and writes\n"
      "NAME.wav (or NAME.bin), NAME.cue and NAME.toc describing the same disc as the DDP export\n"
      "into DIR, which appears only when complete."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return lq_cli_usage_error (context, error->message);
  if (argc != 2 || output == NULL)
    return lq_cli_usage_error (context, _("export cue takes one project and -o DIR"));

  lq_cue_options_init (&options);
  if (!parse_limits (context, warn, max, &options.limits, &code))
    return code;
  options.audio = bin ? LQ_CUE_AUDIO_BIN : LQ_CUE_AUDIO_WAV;
  options.name = name;
  options.overwrite = force;
  options.issues = issues;

  project = load_project (argv[1], &error);
  if (project == NULL)
    {
      lq_cli_print_error (argv[1], error);
      return LQ_CLI_EXIT_FAILURE;
    }
  folder = g_file_new_for_commandline_arg (output);
  if (!lq_cue_export (project, folder, &options, NULL, !quiet && isatty (2) ? progress_cb : NULL, &last, &error))
    {
      print_issues (issues);
      if (g_error_matches (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_RED_BOOK))
        g_printerr ("%s\n", _("lacquer-cli: nothing was written: the album breaks the rules above"));
      else
        lq_cli_print_error (output, error);
      return LQ_CLI_EXIT_FAILURE;
    }
  print_issues (issues);
  if (!quiet)
    g_print (_("CUE sheet, TOC file and audio written to %s\n"), output);
  return LQ_CLI_EXIT_OK;
}

/* ---- lacquer-cli verify ddp ---- */

static int
verify_ddp (int    argc,
            char **argv)
{
  g_autofree char *against = NULL;
  g_autofree char *decode = NULL;
  g_autofree char *warn = NULL;
  g_autofree char *max = NULL;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "against", 0, 0, G_OPTION_ARG_FILENAME, &against, N_("Null-test the image against this project's 16-bit render"), N_("PROJECT") },
    { "decode", 0, 0, G_OPTION_ARG_FILENAME, &decode, N_("Write every track as a WAV file into this new folder"), N_("DIR") },
    { "warn-length", 0, 0, G_OPTION_ARG_STRING, &warn, N_("Warn past this disc length (default 79:57:74)"), N_("MM:SS[:FF]") },
    { "max-length", 0, 0, G_OPTION_ARG_STRING, &max, N_("Disc length limit (default 80:00:00)"), N_("MM:SS[:FF]") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print only problems"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("DIR — check a DDP fileset"));
  g_autoptr(GError) error = NULL;
  g_autoptr(LqDdpReader) reader = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  LqRedbookLimits limits;
  const LqCdDisc *disc;
  int code = LQ_CLI_EXIT_OK;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Reads a DDP 2.00 fileset (from Lacquer or another tool), checks its checksums, its\n"
      "structure and the Red Book rules, and lists its tracks, times, ISRCs and CD-Text. With\n"
      "--against, compares the image sample by sample with the project's 16-bit render; with\n"
      "--decode, writes the tracks as WAV files. Exit status 0 only when everything checks out."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return lq_cli_usage_error (context, error->message);
  if (argc != 2)
    return lq_cli_usage_error (context, _("verify ddp takes one DDP folder"));
  if (!parse_limits (context, warn, max, &limits, &code))
    return code;

  folder = g_file_new_for_commandline_arg (argv[1]);
  reader = lq_ddp_reader_open (folder, &error);
  if (reader == NULL || !lq_ddp_reader_verify (reader, &limits, issues, NULL, &error))
    {
      lq_cli_print_error (argv[1], error);
      return LQ_CLI_EXIT_FAILURE;
    }
  disc = lq_ddp_reader_get_disc (reader);
  if (!quiet)
    {
      LqPqSheetInfo info = {
        .master_id = lq_ddp_reader_get_master_id (reader),
        .source = argv[1],
      };
      g_autofree char *sheet = lq_pq_sheet_format_text (disc, &info);

      g_print ("%s: %s, %s\n\n%s", argv[1], lq_ddp_reader_get_level (reader),
               lq_ddp_reader_get_image_name (reader), sheet);
    }
  print_issues (issues);
  if (lq_redbook_issues_count (issues, LQ_CHECK_ERROR) > 0)
    code = LQ_CLI_EXIT_FAILURE;
  else if (!quiet)
    g_print (issues->len == 0 ? _("Checksums, structure and Red Book rules: no problems\n")
                              : _("Checksums, structure and Red Book rules: no errors, see the warnings\n"));

  if (against != NULL)
    {
      g_autoptr(LqProject) project = load_project (against, &error);
      g_autoptr(GFile) scratch = g_file_new_for_path (g_get_tmp_dir ());
      LqDdpNullTest result;

      if (project == NULL || !lq_ddp_reader_null_test (reader, project, scratch, &result, NULL, &error))
        {
          lq_cli_print_error (against, error);
          return LQ_CLI_EXIT_FAILURE;
        }
      if (result.differing_samples == 0 && result.image_frames == result.render_frames)
        {
          if (!quiet)
            g_print (_("Null test against %s: identical (%" G_GUINT64_FORMAT " frames)\n"), against, result.compared_frames);
        }
      else
        {
          code = LQ_CLI_EXIT_FAILURE;
          if (result.image_frames != result.render_frames)
            g_printerr (_("error: null test: the image has %" G_GUINT64_FORMAT " frames, the render %" G_GUINT64_FORMAT "\n"),
                        result.image_frames, result.render_frames);
          if (result.differing_samples > 0)
            {
              g_autofree char *at = lq_redbook_format_msf (result.first_difference / LQ_CD_FRAME_SAMPLES);

              g_printerr (_("error: null test: %" G_GUINT64_FORMAT " samples differ, by up to %u steps; the first at %s (frame %" G_GUINT64_FORMAT ")\n"),
                          result.differing_samples, result.max_difference, at, result.first_difference);
            }
        }
    }

  if (decode != NULL)
    {
      g_autoptr(GFile) out = g_file_new_for_commandline_arg (decode);

      if (!lq_ddp_reader_decode_tracks (reader, out, FALSE, NULL, &error))
        {
          lq_cli_print_error (decode, error);
          return LQ_CLI_EXIT_FAILURE;
        }
      if (!quiet)
        g_print (_("Tracks decoded into %s\n"), decode);
    }
  return code;
}

int
lq_cli_verify (int    argc,
               char **argv)
{
  gboolean help = argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0);

  if (argc >= 2 && strcmp (argv[1], "ddp") == 0)
    return verify_ddp (argc - 1, argv + 1);
  if (argc >= 2 && !help)
    g_printerr (_("lacquer-cli: unknown verify “%s”\n\n"), argv[1]);
  fprintf (help ? stdout : stderr, "%s\n\n  %-10s %s\n", _("Usage: lacquer-cli verify WHAT …"), "ddp",
           _("Check a DDP fileset: checksums, structure, Red Book rules, null test"));
  return help ? LQ_CLI_EXIT_OK : LQ_CLI_EXIT_USAGE;
}
