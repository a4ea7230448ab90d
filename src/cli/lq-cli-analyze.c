/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-cli-analyze"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lq-analyzer.h"
#include "lq-render.h"

#include "lq-cli.h"

/* The measures printed per file and for the album, in order. */
typedef enum
{
  KIND_LU,    /* loudness or level: two decimals, -inf for silence */
  KIND_SECONDS,
  KIND_COUNT,
} Kind;

static void
print_value (const char *key,
             Kind        kind,
             double      value)
{
  if (kind == KIND_COUNT)
    g_print ("  %-22s %10.0f\n", key, value);
  else if (!isfinite (value))
    g_print ("  %-22s %10s\n", key, value < 0 ? "-inf" : "inf");
  else if (kind == KIND_SECONDS)
    g_print ("  %-22s %10.3f\n", key, value);
  else
    g_print ("  %-22s %10.2f\n", key, round (value * 100.0) / 100.0 + 0.0); /* no "-0.00" */
}

/* The measures a file and a project's track share. */
static LqLoudnessSummary
summary_of (const LqAnalysis *t)
{
  LqLoudnessSummary v = { t->integrated_lufs, t->lra_lu, t->max_short_term_lufs, t->true_peak_dbtp,
                          t->sample_peak_dbfs };
  return v;
}

static void
print_summary (const LqLoudnessSummary *v)
{
  print_value ("integrated_lufs", KIND_LU, v->integrated_lufs);
  print_value ("lra_lu", KIND_LU, v->lra_lu);
  print_value ("true_peak_dbtp", KIND_LU, v->true_peak_dbtp);
  print_value ("sample_peak_dbfs", KIND_LU, v->sample_peak_dbfs);
  print_value ("max_short_term_lufs", KIND_LU, v->max_short_term_lufs);
  print_value ("plr_lu", KIND_LU, v->true_peak_dbtp - v->integrated_lufs);
}

static void
print_track (const LqAnalysis *t)
{
  g_autofree char *name = g_file_get_parse_name (t->file);
  LqLoudnessSummary v = summary_of (t);

  g_print ("%s\n", name);
  print_summary (&v);
  print_value ("max_momentary_lufs", KIND_LU, t->max_momentary_lufs);
  print_value ("duration_s", KIND_SECONDS, t->duration_s);
  print_value ("sample_rate", KIND_COUNT, t->rate);
  print_value ("channels", KIND_COUNT, t->channels);
}

/* Three decimals are plenty (and + 0.0 turns -0 into 0). */
static double
round3 (double value)
{
  return round (value * 1000.0) / 1000.0 + 0.0;
}

/* JSON has no infinity: digital silence becomes null. */
static void
add_number (JsonBuilder *builder,
            const char  *key,
            double       value)
{
  json_builder_set_member_name (builder, key);
  if (isfinite (value))
    json_builder_add_double_value (builder, round3 (value));
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *key,
         gint64       value)
{
  json_builder_set_member_name (builder, key);
  json_builder_add_int_value (builder, value);
}

static void
add_summary_json (JsonBuilder             *builder,
                  const LqLoudnessSummary *v)
{
  add_number (builder, "integrated_lufs", v->integrated_lufs);
  add_number (builder, "lra_lu", v->lra_lu);
  add_number (builder, "true_peak_dbtp", v->true_peak_dbtp);
  add_number (builder, "sample_peak_dbfs", v->sample_peak_dbfs);
  add_number (builder, "max_short_term_lufs", v->max_short_term_lufs);
  add_number (builder, "plr_lu", v->true_peak_dbtp - v->integrated_lufs);
}

static void
add_track_json (JsonBuilder      *builder,
                const LqAnalysis *t)
{
  LqLoudnessSummary v = summary_of (t);

  add_summary_json (builder, &v);
  add_number (builder, "max_momentary_lufs", t->max_momentary_lufs);
  add_number (builder, "duration_s", t->duration_s);
  add_int (builder, "sample_rate", t->rate);
  add_int (builder, "channels", t->channels);
  json_builder_set_member_name (builder, "channel_true_peak_dbtp");
  json_builder_begin_array (builder);
  for (guint c = 0; c < t->channels; c++)
    if (isfinite (t->channel_true_peak_dbtp[c]))
      json_builder_add_double_value (builder, round3 (t->channel_true_peak_dbtp[c]));
    else
      json_builder_add_null_value (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "channel_sample_peak_dbfs");
  json_builder_begin_array (builder);
  for (guint c = 0; c < t->channels; c++)
    if (isfinite (t->channel_sample_peak_dbfs[c]))
      json_builder_add_double_value (builder, round3 (t->channel_sample_peak_dbfs[c]));
    else
      json_builder_add_null_value (builder);
  json_builder_end_array (builder);
  if (t->n_nonfinite > 0)
    add_int (builder, "nonfinite_samples", (gint64) t->n_nonfinite);
}

static void
print_json (const LqAlbumAnalysis *album,
            GFile * const         *files)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < album->n_tracks; i++)
    {
      g_autofree char *name = g_file_get_parse_name (files[i]);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, name);
      if (album->tracks[i] != NULL)
        add_track_json (builder, album->tracks[i]);
      else
        {
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, album->errors[i]->message);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (album->n_tracks > 1)
    {
      json_builder_set_member_name (builder, "album");
      json_builder_begin_object (builder);
      add_number (builder, "integrated_lufs", album->integrated_lufs);
      add_number (builder, "lra_lu", album->lra_lu);
      add_number (builder, "true_peak_dbtp", album->true_peak_dbtp);
      add_number (builder, "sample_peak_dbfs", album->sample_peak_dbfs);
      add_number (builder, "max_momentary_lufs", album->max_momentary_lufs);
      add_number (builder, "max_short_term_lufs", album->max_short_term_lufs);
      add_number (builder, "duration_s", album->duration_s);
      add_int (builder, "tracks", album->n_tracks - album->n_failed);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  lq_cli_print_json (builder);
}

/* A project measured as delivered: each track after its chain and the master chain (the
 * window's track list shows the same values). */
static int
analyze_project (GFile    *file,
                 gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LqProject) project = lq_project_load (file, NULL, &error);
  g_autoptr(LqAlbumLoudness) values = NULL;

  if (project == NULL || (values = lq_render_measure (project, NULL, &error)) == NULL)
    {
      lq_cli_print_error (NULL, error);
      return LQ_CLI_EXIT_FAILURE;
    }
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *name = g_file_get_parse_name (file);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "project");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "tracks");
      json_builder_begin_array (builder);
      for (guint i = 0; i < values->n_tracks; i++)
        {
          const char *title = lq_track_get_title (values->tracks[i].track);

          json_builder_begin_object (builder);
          add_int (builder, "number", i + 1);
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, title != NULL ? title : "");
          add_summary_json (builder, &values->tracks[i].loudness);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "album");
      json_builder_begin_object (builder);
      add_summary_json (builder, &values->album);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      lq_cli_print_json (builder);
      return LQ_CLI_EXIT_OK;
    }
  for (guint i = 0; i < values->n_tracks; i++)
    {
      const char *title = lq_track_get_title (values->tracks[i].track);

      g_print ("%u %s\n", i + 1, title != NULL ? title : "");
      print_summary (&values->tracks[i].loudness);
    }
  g_print (g_dngettext (GETTEXT_PACKAGE, "album (%u track)\n", "album (%u tracks)\n", values->n_tracks),
           values->n_tracks);
  print_summary (&values->album);
  return LQ_CLI_EXIT_OK;
}

/* lacquer-cli analyze [--json] [--threads N] FILE…: loudness and peaks of each file and, with
 * more than one file, of the whole album. Exit 1 when a file could not be analysed (the
 * others still are), 2 for usage errors. */
int
lq_cli_analyze (int    argc,
                char **argv)
{
  gboolean json = FALSE;
  int threads = 0;
  GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads,
      N_("Files analysed at once (default: one per processor core)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE…|PROJECT — measure loudness and peaks"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(LqAlbumAnalysis) album = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Measures each file after EBU R 128 / ITU-R BS.1770: integrated loudness, loudness\n"
      "range, true and sample peak, maximum momentary and short-term loudness, duration,\n"
      "sample rate and channels. With several files, also the album's integrated loudness\n"
      "and loudness range, as if the files were played one after another.\n"
      "Given a project (.lacquer), measures the album as delivered: each track after its\n"
      "chain, gains and fades and the master chain, and the whole album."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return lq_cli_usage_error (context, error->message);
  if (argc < 2)
    return lq_cli_usage_error (context, _("analyze needs at least one file"));
  if (threads < 0)
    return lq_cli_usage_error (context, _("--threads must be 0 or more"));

  if (argc == 2 && g_str_has_suffix (argv[1], ".lacquer"))
    {
      g_autoptr(GFile) project = g_file_new_for_commandline_arg (argv[1]);
      return analyze_project (project, json);
    }
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (files, g_file_new_for_commandline_arg (argv[i]));

  album = lq_analyze_album ((GFile * const *) files->pdata, files->len, (guint) threads, NULL,
                            NULL, NULL, &error);
  if (album == NULL)
    {
      lq_cli_print_error (NULL, error);
      return LQ_CLI_EXIT_FAILURE;
    }

  for (guint i = 0; i < album->n_tracks; i++)
    if (album->errors[i] != NULL)
      lq_cli_print_error (NULL, album->errors[i]);

  if (json)
    print_json (album, (GFile * const *) files->pdata);
  else
    {
      for (guint i = 0; i < album->n_tracks; i++)
        if (album->tracks[i] != NULL)
          print_track (album->tracks[i]);
      if (album->n_tracks > 1)
        {
          g_print (g_dngettext (GETTEXT_PACKAGE, "album (%u track)\n", "album (%u tracks)\n",
                                album->n_tracks - album->n_failed),
                   album->n_tracks - album->n_failed);
          print_value ("integrated_lufs", KIND_LU, album->integrated_lufs);
          print_value ("lra_lu", KIND_LU, album->lra_lu);
          print_value ("true_peak_dbtp", KIND_LU, album->true_peak_dbtp);
          print_value ("sample_peak_dbfs", KIND_LU, album->sample_peak_dbfs);
          print_value ("max_momentary_lufs", KIND_LU, album->max_momentary_lufs);
          print_value ("max_short_term_lufs", KIND_LU, album->max_short_term_lufs);
          print_value ("duration_s", KIND_SECONDS, album->duration_s);
        }
    }

  return album->n_failed > 0 ? LQ_CLI_EXIT_FAILURE : LQ_CLI_EXIT_OK;
}
