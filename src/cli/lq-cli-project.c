/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-cli-project"

#include "config.h"

#include <math.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lq-engine-error.h"
#include "lq-project.h"
#include "lq-redbook.h"
#include "lq-render.h"
#include "lq-sequence.h"

#include "lq-cli.h"

/* mm:ss:ff (75 frames a second) of a position in samples at @rate. */
static char *
format_msf (guint64 samples,
            guint   rate)
{
  return lq_redbook_format_msf (samples * LQ_CD_FRAMES_PER_SECOND / rate);
}

static LqProject *
load_project (const char  *arg,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (arg);

  return lq_project_load (file, NULL, error);
}

/* ---- lacquer-cli new ---- */

int
lq_cli_new (int    argc,
            char **argv)
{
  g_autofree char *title = NULL;
  g_autofree char *artist = NULL;
  g_autofree char *upc = NULL;
  double gap = 2.0, crossfade = 0.0, target = NAN, ceiling = -1.0;
  gboolean cd = FALSE;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("Album title"), N_("TITLE") },
    { "artist", 0, 0, G_OPTION_ARG_STRING, &artist, N_("Album artist"), N_("ARTIST") },
    { "upc", 0, 0, G_OPTION_ARG_STRING, &upc, N_("UPC (12 digits) or EAN (13 digits)"), N_("CODE") },
    { "gap", 0, 0, G_OPTION_ARG_DOUBLE, &gap, N_("Pause between tracks (default 2)"), N_("SECONDS") },
    { "crossfade", 0, 0, G_OPTION_ARG_DOUBLE, &crossfade, N_("Crossfade between tracks instead of a pause"), N_("SECONDS") },
    { "target-lufs", 0, 0, G_OPTION_ARG_DOUBLE, &target, N_("Match every track to this integrated loudness"), N_("LUFS") },
    { "ceiling-dbtp", 0, 0, G_OPTION_ARG_DOUBLE, &ceiling, N_("True-peak ceiling of the master limiter (default -1)"), N_("DBTP") },
    { "cd", 0, 0, G_OPTION_ARG_NONE, &cd, N_("CD mode: 44.1 kHz, track starts on CD frames, 2 s pre-gap"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("OUT.lacquer TRACK_FILE… — create a project"));
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = NULL;
  g_autoptr(GFile) out = NULL;
  g_autoptr(LqChainElement) limiter = NULL;
  guint rate = 0;
  gboolean bad = FALSE;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Creates an album project from audio files, in this order. The master chain gets a\n"
      "true-peak limiter at the ceiling; with --target-lufs every track is measured after its\n"
      "chain and its level matched to the target."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return lq_cli_usage_error (context, error->message);
  if (argc < 3)
    return lq_cli_usage_error (context, _("new needs the project file and at least one track"));
  if (!g_str_has_suffix (argv[1], ".lacquer"))
    return lq_cli_usage_error (context, _("the project file must end in .lacquer"));
  if (gap < 0 || crossfade < 0 || ceiling > 0 || ceiling < -20 || (!isnan (target) && (target > 0 || target < -60)))
    return lq_cli_usage_error (context, _("--gap and --crossfade must be positive, --ceiling-dbtp between -20 and 0, --target-lufs between -60 and 0"));

  project = lq_project_new ();
  lq_project_set_title (project, title);
  lq_project_set_artist (project, artist);
  if (upc != NULL)
    {
      char ean[14];

      if (!lq_redbook_normalize_catalog (upc, ean, &error))
        {
          lq_cli_print_error (NULL, error);
          return LQ_CLI_EXIT_FAILURE;
        }
      g_object_set (project, "upc", ean, NULL);
    }

  for (int i = 2; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr(LqTrack) track = lq_track_new (file);

      if (!lq_track_probe (track, NULL, &error))
        {
          lq_cli_print_error (argv[i], error);
          g_clear_error (&error);
          bad = TRUE;
          continue;
        }
      if (rate == 0)
        rate = lq_track_get_rate (track);
      lq_project_append_track (project, track);
    }
  if (bad)
    return LQ_CLI_EXIT_FAILURE;

  rate = cd ? LQ_CD_RATE : rate;
  g_object_set (project, "rate", rate, "cd-mode", cd, NULL);
  for (guint i = 1; i < lq_project_get_n_tracks (project); i++)
    {
      LqTrack *track = lq_project_get_track (project, i);

      if (crossfade > 0)
        g_object_set (track, "crossfade", (guint64) llround (crossfade * rate), NULL);
      else
        g_object_set (track, "pause", (guint64) llround (gap * rate), NULL);
    }

  limiter = lq_chain_element_new ("lqlimiter");
  lq_chain_element_set_double (limiter, "ceiling", ceiling);
  lq_chain_append (lq_project_get_master (project), limiter);

  out = g_file_new_for_commandline_arg (argv[1]);
  /* Save first so that relative paths and the project folder are settled. */
  if (!lq_project_save (project, out, NULL, &error))
    {
      lq_cli_print_error (argv[1], error);
      return LQ_CLI_EXIT_FAILURE;
    }
  if (!isnan (target))
    {
      g_autofree double *after = NULL;

      g_object_set (project, "match-mode", LQ_MATCH_TARGET, "match-target", target, NULL);
      if (!lq_level_match (project, NULL, &error)
          || (after = lq_render_measure_tracks (project, NULL, &error)) == NULL)
        {
          lq_cli_print_error (_("level matching"), error);
          return LQ_CLI_EXIT_FAILURE;
        }
      for (guint i = 0; i < lq_project_get_n_tracks (project); i++)
        {
          LqTrack *track = lq_project_get_track (project, i);
          g_print (_("track %u: gain %+.2f dB, measured after the master chain %.2f LUFS\n"),
                   i + 1, lq_track_get_match_gain (track), after[i]);
        }
      if (!lq_project_save (project, out, NULL, &error))
        {
          lq_cli_print_error (argv[1], error);
          return LQ_CLI_EXIT_FAILURE;
        }
    }
  g_print ("%s\n", g_file_peek_path (out));
  return LQ_CLI_EXIT_OK;
}

/* ---- lacquer-cli info ---- */

static const char *
enum_nick (GType type, int value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  return v ? v->value_nick : "?";
}

static char *
chain_summary (LqChain *chain)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < lq_chain_get_n_elements (chain); i++)
    {
      LqChainElement *e = lq_chain_get_element (chain, i);
      g_string_append_printf (s, "%s%s%s", i ? " ! " : "", lq_chain_element_get_factory (e),
                              lq_chain_element_get_bypass (e) ? _(" (bypassed)") : "");
    }
  if (s->len == 0)
    g_string_append (s, _("(none)"));
  return g_string_free (s, FALSE);
}

static void
add_member_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_member_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, v);
}

static void
add_member_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v ? v : "");
}

static int
print_info_json (LqProject *project, const LqSequence *seq)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_member_string (b, "title", lq_project_get_title (project));
  add_member_string (b, "artist", lq_project_get_artist (project));
  add_member_string (b, "upc", lq_project_get_upc (project));
  add_member_int (b, "rate", seq->rate);
  json_builder_set_member_name (b, "cd_mode");
  json_builder_add_boolean_value (b, lq_project_get_cd_mode (project));
  add_member_int (b, "length_samples", seq->length);
  add_member_double (b, "length_s", (double) seq->length / seq->rate);
  json_builder_set_member_name (b, "master_chain");
  json_builder_add_value (b, lq_chain_to_json (lq_project_get_master (project)));
  json_builder_set_member_name (b, "tracks");
  json_builder_begin_array (b);
  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      g_autofree char *start_msf = format_msf (p->start, seq->rate);
      LqTrack *t = p->track;

      json_builder_begin_object (b);
      add_member_int (b, "number", p->number);
      add_member_string (b, "title", lq_track_get_title (t));
      add_member_string (b, "performer", lq_track_get_performer (t));
      add_member_string (b, "isrc", lq_track_get_isrc (t));
      add_member_string (b, "source", g_file_peek_path (lq_track_get_file (t)));
      json_builder_set_member_name (b, "missing");
      json_builder_add_boolean_value (b, lq_track_get_missing (t));
      add_member_int (b, "pause_start_samples", p->pause_start);
      add_member_int (b, "start_samples", p->start);
      add_member_string (b, "start_msf", start_msf);
      add_member_int (b, "length_samples", p->length);
      add_member_int (b, "end_samples", p->end);
      add_member_int (b, "pause_samples", p->start - p->pause_start);
      add_member_int (b, "crossfade_samples", p->overlap_in);
      add_member_int (b, "in_point", p->in_point);
      add_member_double (b, "gain_db", lq_track_get_gain (t));
      add_member_double (b, "match_gain_db", lq_track_get_match_gain (t));
      add_member_int (b, "fade_in_samples", lq_track_get_fade_in (t));
      add_member_string (b, "fade_in_curve", enum_nick (LQ_TYPE_FADE_CURVE, lq_track_get_fade_in_curve (t)));
      add_member_int (b, "fade_out_samples", lq_track_get_fade_out (t));
      add_member_string (b, "fade_out_curve", enum_nick (LQ_TYPE_FADE_CURVE, lq_track_get_fade_out_curve (t)));
      json_builder_set_member_name (b, "chain");
      json_builder_add_value (b, lq_chain_to_json (lq_track_get_chain (t)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  lq_cli_print_json (b);
  return LQ_CLI_EXIT_OK;
}

int
lq_cli_info (int    argc,
             char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT — print the album's timeline"));
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = NULL;
  g_autoptr(LqSequence) seq = NULL;
  g_autofree char *master = NULL;
  g_autofree char *total = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return lq_cli_usage_error (context, error->message);
  if (argc != 2)
    return lq_cli_usage_error (context, _("info takes one project file"));

  project = load_project (argv[1], &error);
  if (project == NULL)
    {
      lq_cli_print_error (NULL, error);
      return LQ_CLI_EXIT_FAILURE;
    }
  seq = lq_sequence_new (project);
  if (json)
    return print_info_json (project, seq);

  master = chain_summary (lq_project_get_master (project));
  total = format_msf (seq->length, seq->rate);
  g_print (_("%s — %s\n"), lq_project_get_title (project) ? lq_project_get_title (project) : _("(untitled)"),
           lq_project_get_artist (project) ? lq_project_get_artist (project) : _("(no artist)"));
  g_print (_("%u tracks, %s (%" G_GUINT64_FORMAT " samples at %u Hz)%s\n"), seq->n_placements, total,
           seq->length, seq->rate, lq_project_get_cd_mode (project) ? _(", CD mode") : "");
  if (lq_project_get_upc (project) && *lq_project_get_upc (project))
    g_print (_("UPC/EAN %s\n"), lq_project_get_upc (project));
  g_print (_("Master chain: %s\n\n"), master);
  g_print ("%-3s %-24s %14s %9s %12s %9s %10s %8s %8s\n", "#", _("title"), _("start"), _("mm:ss:ff"),
           _("length"), _("pause"), _("crossfade"), _("gain"), _("match"));
  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      g_autofree char *msf = format_msf (p->start, seq->rate);
      g_autofree char *chain = chain_summary (lq_track_get_chain (p->track));

      g_print ("%-3u %-24.24s %14" G_GUINT64_FORMAT " %9s %12" G_GUINT64_FORMAT " %9.3f %10.3f %+8.2f %+8.2f%s\n",
               p->number, lq_track_get_title (p->track) ? lq_track_get_title (p->track) : "",
               p->start, msf, p->length, (double) (p->start - p->pause_start) / seq->rate,
               (double) p->overlap_in / seq->rate, lq_track_get_gain (p->track),
               lq_track_get_match_gain (p->track), lq_track_get_missing (p->track) ? _("  MISSING") : "");
      g_print ("    %s  chain: %s%s%s\n", g_file_peek_path (lq_track_get_file (p->track)), chain,
               lq_track_get_isrc (p->track) ? _("  ISRC ") : "",
               lq_track_get_isrc (p->track) ? lq_track_get_isrc (p->track) : "");
    }
  return LQ_CLI_EXIT_OK;
}

/* ---- lacquer-cli render ---- */

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

int
lq_cli_render (int    argc,
               char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *bits = NULL;
  int rate = 0;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The WAV file to write"), N_("OUT.wav") },
    { "bits", 0, 0, G_OPTION_ARG_STRING, &bits, N_("16, 24 or 32f (default 24)"), N_("BITS") },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate, N_("Output sample rate (default: the album's)"), N_("HZ") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT -o OUT.wav — render the album"));
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = NULL;
  g_autoptr(LqSequence) seq = NULL;
  g_autoptr(GFile) out = NULL;
  g_autofree double *lufs = NULL;
  LqRenderOptions options = { LQ_WAV_PCM24, 0, NULL };
  int last = -1;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Renders the whole album (every track through its chain, gains, fades, pauses and\n"
      "crossfades, then the master chain) into one stereo WAV file, and prints each track's\n"
      "loudness measured on the result."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return lq_cli_usage_error (context, error->message);
  if (argc != 2 || output == NULL)
    return lq_cli_usage_error (context, _("render takes one project and -o OUT.wav"));
  if (bits == NULL || g_str_equal (bits, "24"))
    options.format = LQ_WAV_PCM24;
  else if (g_str_equal (bits, "16"))
    options.format = LQ_WAV_PCM16;
  else if (g_str_equal (bits, "32f"))
    options.format = LQ_WAV_FLOAT32;
  else
    return lq_cli_usage_error (context, _("--bits takes 16, 24 or 32f"));
  if (rate != 0 && (rate < 8000 || rate > 384000))
    return lq_cli_usage_error (context, _("--rate must be between 8000 and 384000"));
  options.rate = rate;

  project = load_project (argv[1], &error);
  if (project == NULL)
    {
      lq_cli_print_error (NULL, error);
      return LQ_CLI_EXIT_FAILURE;
    }
  seq = lq_sequence_new (project);
  for (guint i = 0; i < seq->n_placements; i++)
    if (lq_track_get_missing (seq->placements[i].track))
      {
        g_printerr (_("lacquer-cli: track %u (“%s”) is missing its source %s; relink it first\n"),
                    seq->placements[i].number, lq_track_get_title (seq->placements[i].track),
                    g_file_peek_path (lq_track_get_file (seq->placements[i].track)));
        return LQ_CLI_EXIT_FAILURE;
      }
  lufs = g_new0 (double, MAX (seq->n_placements, 1));
  options.track_lufs = lufs;

  out = g_file_new_for_commandline_arg (output);
  if (!lq_render_album (project, out, &options, NULL, isatty (2) ? progress_cb : NULL, &last, &error))
    {
      if (last >= 0)
        g_printerr ("\n");
      lq_cli_print_error (output, error);
      return LQ_CLI_EXIT_FAILURE;
    }
  if (last >= 0)
    g_printerr ("\r      \r");
  for (guint i = 0; i < seq->n_placements; i++)
    g_print (_("track %u: %.2f LUFS\n"), seq->placements[i].number, lufs[i]);
  g_print ("%s\n", g_file_peek_path (out));
  return LQ_CLI_EXIT_OK;
}
