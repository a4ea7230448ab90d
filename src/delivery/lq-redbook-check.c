/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-redbook-check"

#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lq-redbook-check.h"
#include "lq-sequence.h"

static void
issue_free (gpointer data)
{
  LqRedbookIssue *issue = data;

  g_free (issue->message);
  g_free (issue);
}

/* Seconds, rounded down to a tenth, so that 3.99 s reads "3.9 s" next to "at least 4 s". */
static double
frames_to_tenths (guint64 frames)
{
  return floor (frames * 10.0 / LQ_CD_FRAMES_PER_SECOND) / 10.0;
}

static guint64
ceil_div (guint64 a,
          guint64 b)
{
  return (a + b - 1) / b;
}

/* CD frames at 44.1 kHz of @samples at the album @rate: exact at 44.1 kHz (rounded down),
 * else the nearest frame (the image is resampled). */
static guint64
samples_to_frames (guint64 samples,
                   guint   rate,
                   gboolean round_up)
{
  if (rate == LQ_CD_RATE)
    return round_up ? ceil_div (samples, LQ_CD_FRAME_SAMPLES) : samples / LQ_CD_FRAME_SAMPLES;
  if (round_up)
    return ceil_div (samples * LQ_CD_FRAMES_PER_SECOND, rate);
  return (samples * LQ_CD_FRAMES_PER_SECOND + rate / 2) / rate;
}

static const char *
track_name (LqTrack *track)
{
  const char *title = lq_track_get_title (track);

  return title != NULL && *title ? title : NULL;
}

void
lq_redbook_limits_init (LqRedbookLimits *limits)
{
  g_return_if_fail (limits != NULL);
  limits->warn_length = LQ_CD_MSF (79, 57, 74);
  limits->max_length = LQ_CD_MSF (80, 0, 0);
}

LqCdDisc *
lq_cd_disc_new (guint n_tracks)
{
  LqCdDisc *disc = g_new0 (LqCdDisc, 1);

  disc->n_tracks = n_tracks;
  disc->tracks = g_new0 (LqCdTrack, MAX (n_tracks, 1));
  for (guint i = 0; i < n_tracks; i++)
    disc->tracks[i].number = i + 1;
  return disc;
}

void
lq_cd_disc_free (LqCdDisc *disc)
{
  if (disc == NULL)
    return;
  for (guint i = 0; i < disc->n_tracks; i++)
    {
      g_free (disc->tracks[i].indexes);
      g_free (disc->tracks[i].isrc);
    }
  g_free (disc->tracks);
  g_free (disc->upc);
  g_free (disc->title);
  g_clear_pointer (&disc->cdtext, lq_cdtext_free);
  g_free (disc);
}

/**
 * lq_cd_disc_get_track_end:
 *
 * Returns: where track @i (0-based) ends: the next track's index 00, or the lead-out
 */
guint64
lq_cd_disc_get_track_end (const LqCdDisc *disc,
                          guint           i)
{
  g_return_val_if_fail (disc != NULL && i < disc->n_tracks, 0);
  return i + 1 < disc->n_tracks ? disc->tracks[i + 1].index0 : disc->length;
}

static LqCdText *
cdtext_from_project (LqProject        *project,
                     const LqSequence *seq)
{
  static const struct { const char *property; LqCdTextField field; } album[] = {
    { "title", LQ_CDTEXT_TITLE }, { "artist", LQ_CDTEXT_PERFORMER },
    { "songwriter", LQ_CDTEXT_SONGWRITER }, { "composer", LQ_CDTEXT_COMPOSER },
    { "message", LQ_CDTEXT_MESSAGE }, { "genre", LQ_CDTEXT_GENRE },
  };
  static const struct { const char *property; LqCdTextField field; } tracks[] = {
    { "title", LQ_CDTEXT_TITLE }, { "performer", LQ_CDTEXT_PERFORMER },
    { "songwriter", LQ_CDTEXT_SONGWRITER }, { "composer", LQ_CDTEXT_COMPOSER },
  };
  g_autoptr(LqCdText) text = lq_cdtext_new (seq->n_placements);
  const char *upc = lq_project_get_upc (project);
  char ean[14];

  for (guint f = 0; f < G_N_ELEMENTS (album); f++)
    {
      g_autofree char *value = NULL;

      g_object_get (project, album[f].property, &value, NULL);
      lq_cdtext_set (text, 0, album[f].field, value);
    }
  for (guint i = 0; i < seq->n_placements; i++)
    {
      LqTrack *track = seq->placements[i].track;
      const char *isrc = lq_track_get_isrc (track);

      for (guint f = 0; f < G_N_ELEMENTS (tracks); f++)
        {
          g_autofree char *value = NULL;

          g_object_get (track, tracks[f].property, &value, NULL);
          lq_cdtext_set (text, i + 1, tracks[f].field, value);
        }
      if (isrc != NULL && lq_redbook_check_isrc (isrc, NULL))
        lq_cdtext_set (text, i + 1, LQ_CDTEXT_CODE, isrc);
    }
  if (!lq_cdtext_has_text (text))
    return NULL;
  if (upc != NULL && *upc && lq_redbook_normalize_catalog (upc, ean, NULL))
    lq_cdtext_set (text, 0, LQ_CDTEXT_CODE, ean);
  return g_steal_pointer (&text);
}

/**
 * lq_cd_disc_new_from_project:
 * @issues: (nullable): receives what is found while converting: missing files, starts off CD
 *   frames, a rate other than 44.1 kHz, a master chain that dithers already
 *
 * Describes the disc the project makes: the album timeline (hidden tracks skipped) in CD
 * frames. At 44.1 kHz the album's samples are the image's, so a track start must be a
 * multiple of 588 samples; at other rates the image is resampled and positions are rounded
 * to the nearest frame. Index 00 of track 1 is the image start; a later track's index 00 is
 * the first whole frame of its pause. Index 02.. points are rounded down to their frame.
 *
 * Returns: (transfer full): the disc; run lq_redbook_check_disc() over it
 */
LqCdDisc *
lq_cd_disc_new_from_project (LqProject *project,
                             GPtrArray *issues)
{
  g_autoptr(LqSequence) seq = NULL;
  LqCdDisc *disc;
  LqChainElement *dither;
  guint rate;
  const char *upc;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  seq = lq_sequence_new (project);
  rate = seq->rate;
  disc = lq_cd_disc_new (seq->n_placements);

  if (issues != NULL && rate != LQ_CD_RATE)
    lq_redbook_issues_add (issues, LQ_CHECK_WARNING, LQ_RULE_FORMAT, 0,
                           _("The album is at %u Hz; the CD image is resampled to 44100 Hz and its track starts are rounded to the nearest CD frame (1/75 s)"),
                           rate);
  dither = lq_chain_find (lq_project_get_master (project), "lqdither");
  if (issues != NULL && dither != NULL && !lq_chain_element_get_bypass (dither))
    lq_redbook_issues_add (issues, LQ_CHECK_WARNING, LQ_RULE_CHAIN, 0,
                           _("The master chain ends in a dither, and the CD export dithers to 16 bits again; bypass the chain’s dither for the CD master"));

  for (guint i = 0; i < seq->n_placements; i++)
    {
      const LqPlacement *p = &seq->placements[i];
      LqCdTrack *t = &disc->tracks[i];
      const char *isrc = lq_track_get_isrc (p->track);
      const guint64 *indexes;
      guint n_indexes;

      if (issues != NULL && lq_track_get_missing (p->track))
        {
          GFile *file = lq_track_get_file (p->track);
          g_autofree char *name = file != NULL ? g_file_get_parse_name (file) : g_strdup ("?");

          lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_SOURCE, p->number,
                                 _("Track %u’s audio file “%s” is missing; relink it before exporting"),
                                 p->number, name);
        }
      if (issues != NULL && rate == LQ_CD_RATE && p->start % LQ_CD_FRAME_SAMPLES != 0)
        {
          g_autofree char *at = lq_redbook_format_msf (p->start / LQ_CD_FRAME_SAMPLES);
          const char *name = track_name (p->track);

          lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_FRAME_BOUNDARY, p->number,
                                 _("Track %u%s%s%s starts at %s + %u samples, between two CD frames (a start must be a multiple of 588 samples); turn on CD mode so that track starts snap to frames"),
                                 p->number, name ? " (“" : "", name ? name : "", name ? "”)" : "",
                                 at, (guint) (p->start % LQ_CD_FRAME_SAMPLES));
        }

      t->start = samples_to_frames (p->start, rate, FALSE);
      t->index0 = i == 0 ? 0 : MIN (samples_to_frames (p->pause_start, rate, TRUE), t->start);
      indexes = lq_track_get_indexes (p->track, &n_indexes);
      t->n_indexes = n_indexes;
      t->indexes = g_new0 (guint64, MAX (n_indexes, 1));
      for (guint k = 0; k < n_indexes; k++)
        t->indexes[k] = t->start + (rate == LQ_CD_RATE ? indexes[k] / LQ_CD_FRAME_SAMPLES
                                                       : indexes[k] * LQ_CD_FRAMES_PER_SECOND / rate);
      t->isrc = isrc != NULL && *isrc ? g_strdup (isrc) : NULL;
      t->control = 0;
    }

  if (rate == LQ_CD_RATE)
    disc->length = ceil_div (seq->length, LQ_CD_FRAME_SAMPLES);
  else
    disc->length = ceil_div ((seq->length * LQ_CD_RATE + rate / 2) / rate, LQ_CD_FRAME_SAMPLES);
  upc = lq_project_get_upc (project);
  disc->upc = upc != NULL && *upc ? g_strdup (upc) : NULL;
  disc->cdtext = cdtext_from_project (project, seq);
  disc->title = g_strdup (lq_project_get_title (project));
  return disc;
}

/**
 * lq_redbook_issues_new:
 *
 * Returns: (transfer full) (element-type LqRedbookIssue): an empty list of findings
 */
GPtrArray *
lq_redbook_issues_new (void)
{
  return g_ptr_array_new_with_free_func (issue_free);
}

void
lq_redbook_issues_add (GPtrArray       *issues,
                       LqCheckSeverity  severity,
                       LqRedbookRule    rule,
                       guint            track,
                       const char      *format,
                       ...)
{
  LqRedbookIssue *issue;
  va_list args;

  g_return_if_fail (issues != NULL);
  g_return_if_fail (format != NULL);

  issue = g_new0 (LqRedbookIssue, 1);
  issue->severity = severity;
  issue->rule = rule;
  issue->track = track;
  va_start (args, format);
  issue->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (issues, issue);
}

guint
lq_redbook_issues_count (GPtrArray       *issues,
                         LqCheckSeverity  severity)
{
  guint n = 0;

  g_return_val_if_fail (issues != NULL, 0);
  for (guint i = 0; i < issues->len; i++)
    n += ((LqRedbookIssue *) issues->pdata[i])->severity == severity;
  return n;
}

/**
 * lq_redbook_issues_to_error:
 *
 * Returns: %FALSE with @error (%LQ_DELIVERY_ERROR_RED_BOOK) listing every error when there is
 *   any, %TRUE when there are only warnings or nothing
 */
gboolean
lq_redbook_issues_to_error (GPtrArray  *issues,
                            GError    **error)
{
  guint n;
  GString *text;

  g_return_val_if_fail (issues != NULL, FALSE);

  n = lq_redbook_issues_count (issues, LQ_CHECK_ERROR);
  if (n == 0)
    return TRUE;
  text = g_string_new (NULL);
  g_string_append_printf (text, ngettext ("The disc breaks a Red Book rule:",
                                          "The disc breaks %u Red Book rules:", n), n);
  for (guint i = 0; i < issues->len; i++)
    {
      LqRedbookIssue *issue = issues->pdata[i];

      if (issue->severity == LQ_CHECK_ERROR)
        g_string_append_printf (text, "\n• %s", issue->message);
    }
  g_set_error_literal (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_RED_BOOK, text->str);
  g_string_free (text, TRUE);
  return FALSE;
}

static void
check_indexes (const LqCdDisc *disc,
               guint           i,
               GPtrArray      *issues)
{
  const LqCdTrack *t = &disc->tracks[i];
  guint64 end = lq_cd_disc_get_track_end (disc, i);
  guint64 previous = t->start;

  if (t->n_indexes + 1 > LQ_REDBOOK_MAX_INDEX)
    lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_INDEX, t->number,
                           _("Track %u has %u index points; a track can have at most 99 (index 01 to 99)"),
                           t->number, t->n_indexes + 1);
  for (guint k = 0; k < t->n_indexes; k++)
    {
      guint64 at = t->indexes[k];

      if (at >= end)
        {
          g_autofree char *rel = lq_redbook_format_msf (at - MIN (at, t->start));
          g_autofree char *len = lq_redbook_format_msf (end - t->start);

          lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_INDEX, t->number,
                                 _("Track %u’s index %02u at %s is past the end of the track (it is %s long)"),
                                 t->number, k + 2, rel, len);
        }
      else if (at <= previous)
        lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_INDEX, t->number,
                               _("Track %u’s index %02u is not after index %02u: index points must be in order and at least one CD frame (1/75 s) apart"),
                               t->number, k + 2, k + 1);
      previous = MAX (previous, at);
    }
}

static void
check_cdtext (const LqCdDisc *disc,
              GPtrArray      *issues)
{
  g_autoptr(GBytes) packs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean charset_ok = TRUE;
  guint n = lq_cdtext_get_n_tracks (disc->cdtext);

  if (n != disc->n_tracks)
    lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_STRUCTURE, 0,
                           _("The CD-Text describes %u tracks, but the disc has %u"), n, disc->n_tracks);
  for (guint t = 0; t <= n; t++)
    for (guint f = 0; f < LQ_CDTEXT_N_FIELDS; f++)
      if (!lq_cdtext_check_text (disc->cdtext, t, f, &error))
        {
          lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_CDTEXT_CHARSET, t, "%s", error->message);
          g_clear_error (&error);
          charset_ok = FALSE;
        }
  if (charset_ok && (packs = lq_cdtext_encode (disc->cdtext, &error)) == NULL)
    lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_CDTEXT_SIZE, 0, "%s", error->message);
}

/**
 * lq_redbook_check_disc:
 * @limits: (nullable): length limits, %NULL for the defaults
 * @issues: receives the findings
 *
 * Checks the rules that a disc description shows: track count, track 1's pre-gap, track
 * lengths, index points, total length, ISRCs, UPC/EAN and CD-Text.
 */
void
lq_redbook_check_disc (const LqCdDisc        *disc,
                       const LqRedbookLimits *limits,
                       GPtrArray             *issues)
{
  LqRedbookLimits defaults;

  g_return_if_fail (disc != NULL);
  g_return_if_fail (issues != NULL);

  if (limits == NULL)
    {
      lq_redbook_limits_init (&defaults);
      limits = &defaults;
    }

  if (disc->n_tracks == 0)
    lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_TRACK_COUNT, 0,
                           _("The album has no tracks; a CD needs at least one"));
  else if (disc->n_tracks > LQ_CD_MAX_TRACKS)
    lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_TRACK_COUNT, 0,
                           _("The album has %u tracks; a CD holds at most 99"), disc->n_tracks);

  if (disc->n_tracks > 0 && disc->tracks[0].start < LQ_REDBOOK_MIN_PREGAP)
    {
      g_autofree char *at = lq_redbook_format_msf (disc->tracks[0].start);

      lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_PREGAP, 1,
                             _("Track 1 starts at %s; a CD needs a pre-gap (index 00) of at least 2 s before track 1"),
                             at);
    }

  for (guint i = 0; i < disc->n_tracks; i++)
    {
      const LqCdTrack *t = &disc->tracks[i];
      guint64 next = i + 1 < disc->n_tracks ? disc->tracks[i + 1].start : disc->length;

      if (next <= t->start || t->index0 > t->start || (i > 0 && t->index0 < disc->tracks[i - 1].start))
        {
          g_autofree char *at = lq_redbook_format_msf (t->start);

          lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_STRUCTURE, t->number,
                                 _("Track %u (index 01 at %s) is out of order with its neighbours or its pause"),
                                 t->number, at);
          continue;
        }
      if (next - t->start < LQ_REDBOOK_MIN_TRACK_LENGTH)
        lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_TRACK_LENGTH, t->number,
                               _("Track %u is %.1f s long; a CD track needs at least 4 s (index 01 to the next track’s index 01)"),
                               t->number, frames_to_tenths (next - t->start));
      check_indexes (disc, i, issues);
    }

  if (disc->length > limits->max_length)
    {
      g_autofree char *len = lq_redbook_format_msf (disc->length);
      g_autofree char *max = lq_redbook_format_msf (limits->max_length);

      lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_DISC_LENGTH, 0,
                             _("The album is %s long; a CD holds at most %s"), len, max);
    }
  else if (disc->length > limits->warn_length)
    {
      g_autofree char *len = lq_redbook_format_msf (disc->length);
      g_autofree char *warn = lq_redbook_format_msf (limits->warn_length);

      lq_redbook_issues_add (issues, LQ_CHECK_WARNING, LQ_RULE_DISC_LENGTH, 0,
                             _("The album is %s long, past %s: not every plant presses discs this long; ask yours"),
                             len, warn);
    }

  for (guint i = 0; i < disc->n_tracks; i++)
    {
      const LqCdTrack *t = &disc->tracks[i];
      g_autoptr(GError) error = NULL;

      if (t->isrc == NULL)
        continue;
      if (!lq_redbook_check_isrc (t->isrc, &error))
        {
          lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_ISRC, t->number,
                                 _("Track %u: %s"), t->number, error->message);
          continue;
        }
      for (guint k = 0; k < i; k++)
        if (disc->tracks[k].isrc != NULL && strcmp (disc->tracks[k].isrc, t->isrc) == 0)
          {
            lq_redbook_issues_add (issues, LQ_CHECK_WARNING, LQ_RULE_ISRC, t->number,
                                   _("Tracks %u and %u have the same ISRC %s; every recording needs its own"),
                                   disc->tracks[k].number, t->number, t->isrc);
            break;
          }
    }

  if (disc->upc != NULL)
    {
      g_autoptr(GError) error = NULL;
      char ean[14];

      if (!lq_redbook_normalize_catalog (disc->upc, ean, &error))
        lq_redbook_issues_add (issues, LQ_CHECK_ERROR, LQ_RULE_CATALOG, 0, "%s", error->message);
    }

  if (disc->cdtext != NULL)
    check_cdtext (disc, issues);
}

/**
 * lq_redbook_check_project:
 * @limits: (nullable): length limits, %NULL for the defaults
 *
 * Everything a CD export checks before it writes anything, for the UI to show beforehand.
 *
 * Returns: (transfer full) (element-type LqRedbookIssue): the findings, errors and warnings
 */
GPtrArray *
lq_redbook_check_project (LqProject             *project,
                          const LqRedbookLimits *limits)
{
  GPtrArray *issues;
  g_autoptr(LqCdDisc) disc = NULL;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);

  issues = lq_redbook_issues_new ();
  disc = lq_cd_disc_new_from_project (project, issues);
  lq_redbook_check_disc (disc, limits, issues);
  return issues;
}
