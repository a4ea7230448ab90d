/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-cli-export-streaming"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lq-preset.h"
#include "lq-project.h"
#include "lq-streaming.h"

#include "lq-cli.h"

/* Shows the percentage done on a terminal. */
static void
progress_cb (double   fraction,
             gpointer user_data)
{
  int *last = user_data;
  int percent = (int) (fraction * 100);

  if (percent != *last)
    g_printerr ("\r%3d %%", percent);
  *last = percent;
}

/* ---- lacquer-cli export streaming ---- */

int
lq_cli_export_streaming (int    argc,
                         char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *preset_name = NULL;
  g_autofree char *format = NULL;
  g_autofree char *normalization = NULL;
  g_autofree char *split = NULL;
  int bits = 24, rate = 0, year = 0;
  double target = NAN, ceiling = NAN, tolerance = LQ_REPORT_DEFAULT_TOLERANCE_LU;
  gboolean keep_levels = FALSE, quiet = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The folder to write the files into (created if needed)"), N_("DIR") },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset_name, N_("spotify, apple-music, youtube, tidal, amazon-music, deezer or custom (default: the project's)"), N_("NAME") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("flac or wav (default flac)"), N_("FORMAT") },
    { "bits", 0, 0, G_OPTION_ARG_INT, &bits, N_("16 (dithered) or 24 (default 24)"), N_("BITS") },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, N_("44100, 48000, 88200 or 96000 (default: the album's)"), N_("HZ") },
    { "year", 0, 0, G_OPTION_ARG_INT, &year, N_("Release year for the tags"), N_("YEAR") },
    { "target-lufs", 0, 0, G_OPTION_ARG_DOUBLE, &target, N_("With --preset custom: the loudness target"), N_("LUFS") },
    { "ceiling-dbtp", 0, 0, G_OPTION_ARG_DOUBLE, &ceiling, N_("With --preset custom: the true-peak ceiling"), N_("DBTP") },
    { "normalization", 0, 0, G_OPTION_ARG_STRING, &normalization, N_("With --preset custom: album or track"), N_("MODE") },
    { "tolerance", 0, 0, G_OPTION_ARG_DOUBLE, &tolerance, N_("How far from the target the loudness may be (default 0.5)"), N_("LU") },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split, N_("Where crossfades are cut: after-crossfade (default) or at-start"), N_("WHERE") },
    { "keep-levels", 0, 0, G_OPTION_ARG_NONE, &keep_levels, N_("Export the project's levels as they are: do not apply the preset's level matching and limiter"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print only problems"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT --preset NAME -o DIR — per-track files for streaming"));
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = NULL;
  g_autoptr(GFile) project_file = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(LqReport) report = NULL;
  g_autofree char *project_preset = NULL;
  g_autofree char *text = NULL;
  LqStreamingOptions options;
  LqPreset preset;
  gboolean custom;
  int last = -1;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Renders the album and cuts it into one tagged file per track (the files played one\n"
      "after another are the album, gapless). The preset's level matching and true-peak\n"
      "ceiling are applied first (unless --keep-levels). Every file is then read back and\n"
      "measured; report.json and report.html in the folder list loudness, range, peaks and\n"
      "clipping per track and flag anything outside the preset. Exits with 0 only when every\n"
      "file meets the preset."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return lq_cli_usage_error (context, error->message);
  if (argc != 2 || output == NULL)
    return lq_cli_usage_error (context, _("export streaming takes one project and -o DIR"));
  if (bits != 16 && bits != 24)
    return lq_cli_usage_error (context, _("--bits takes 16 or 24"));
  if (rate != 0 && rate != 44100 && rate != 48000 && rate != 88200 && rate != 96000)
    return lq_cli_usage_error (context, _("--rate takes 44100, 48000, 88200 or 96000"));
  if (format != NULL && !g_str_equal (format, "flac") && !g_str_equal (format, "wav"))
    return lq_cli_usage_error (context, _("--format takes flac or wav"));
  if (split != NULL && !g_str_equal (split, "after-crossfade") && !g_str_equal (split, "at-start"))
    return lq_cli_usage_error (context, _("--split takes after-crossfade or at-start"));
  if (year < 0 || year > 9999)
    return lq_cli_usage_error (context, _("--year must be between 0 and 9999"));
  if (!(tolerance >= 0.0 && tolerance <= 10.0))
    return lq_cli_usage_error (context, _("--tolerance must be between 0 and 10 LU"));
  if ((!isnan (target) && (target > 0 || target < -60)) || (!isnan (ceiling) && (ceiling > 0 || ceiling < -20)))
    return lq_cli_usage_error (context, _("--target-lufs must be between -60 and 0, --ceiling-dbtp between -20 and 0"));

  project_file = g_file_new_for_commandline_arg (argv[1]);
  project = lq_project_load (project_file, NULL, &error);
  if (project == NULL)
    {
      lq_cli_print_error (NULL, error);
      return LQ_CLI_EXIT_FAILURE;
    }

  g_object_get (project, "preset", &project_preset, NULL);
  if (preset_name == NULL && project_preset != NULL && project_preset[0] != '\0')
    preset_name = g_strdup (project_preset);
  if (preset_name == NULL)
    return lq_cli_usage_error (context, _("the project has no delivery preset: choose one with --preset"));
  custom = g_ascii_strcasecmp (preset_name, LQ_PRESET_CUSTOM_ID) == 0;
  if (!custom && (!isnan (target) || !isnan (ceiling) || normalization != NULL))
    return lq_cli_usage_error (context, _("--target-lufs, --ceiling-dbtp and --normalization go with --preset custom"));
  if (custom)
    {
      lq_preset_init_from_project (&preset, project);
      if (!isnan (target))
        preset.target_lufs = target;
      if (!isnan (ceiling))
        preset.ceiling_dbtp = preset.loud_ceiling_dbtp = ceiling;
      if (normalization != NULL && !lq_preset_normalization_from_string (normalization, &preset.normalization))
        return lq_cli_usage_error (context, _("--normalization takes album or track"));
    }
  else
    {
      const LqPreset *builtin = lq_preset_lookup (preset_name);

      if (builtin == NULL)
        {
          g_autofree char *ids = lq_preset_list_ids ();
          g_autofree char *message = g_strdup_printf (_("unknown preset “%s”; the presets are %s"), preset_name, ids);

          return lq_cli_usage_error (context, message);
        }
      preset = *builtin;
    }

  lq_streaming_options_init (&options, &preset);
  options.format = format != NULL && g_str_equal (format, "wav") ? LQ_AUDIO_FILE_WAV : LQ_AUDIO_FILE_FLAC;
  options.bits = bits;
  options.rate = rate;
  options.year = year;
  options.tolerance_lu = tolerance;
  options.split = split != NULL && g_str_equal (split, "at-start") ? LQ_STREAMING_SPLIT_AT_START
                                                                   : LQ_STREAMING_SPLIT_AFTER_CROSSFADE;
  options.apply_preset = !keep_levels;

  folder = g_file_new_for_commandline_arg (output);
  report = lq_streaming_export (project, folder, &options, NULL, quiet ? NULL : progress_cb, &last, &error);
  if (!quiet && last >= 0)
    g_printerr ("\r      \r");
  if (report == NULL)
    {
      lq_cli_print_error (_("export"), error);
      return LQ_CLI_EXIT_FAILURE;
    }

  text = lq_report_to_text (report);
  if (!quiet || !lq_report_passed (report))
    g_print ("%s", text);
  if (!quiet)
    g_print (_("Files and report (report.json, report.html) in %s\n"), g_file_peek_path (folder));
  return lq_report_passed (report) ? LQ_CLI_EXIT_OK : LQ_CLI_EXIT_FAILURE;
}
