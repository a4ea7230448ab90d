/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-loudness-view"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lq-loudness-view.h"

/* The scale of the bars and the history, LUFS / dBFS */
#define SCALE_TOP 0.0
#define SCALE_BOTTOM -48.0
/* Width of the bars area on the right */
#define BARS_WIDTH 150.0

struct _LqLoudnessView
{
  GtkWidget parent_instance;

  double momentary;                               /* LUFS, last message (-inf for silence) */
  double short_term;                              /* LUFS, last message */
  double integrated;                              /* LUFS, -inf until a block passes the gates */
  double lra;                                     /* LU */
  double plr;                                     /* dB: highest true peak - integrated */
  guint n_channels;                               /* channels of the last message */
  double true_peak[LQ_LOUDNESS_VIEW_MAX_CHANNELS];  /* dBTP over the last interval */
  double peak_hold[LQ_LOUDNESS_VIEW_MAX_CHANNELS];  /* dBTP since the last reset */
  guint clips[LQ_LOUDNESS_VIEW_MAX_CHANNELS];       /* intervals whose sample peak hit 0 dBFS */
  double history_m[LQ_LOUDNESS_VIEW_HISTORY];     /* ring of momentary values */
  double history_s[LQ_LOUDNESS_VIEW_HISTORY];     /* ring of short-term values */
  guint history_pos;                              /* next slot to write in the rings */
  guint history_len;                              /* valid entries in the rings */
  gboolean has_target;                            /* a delivery preset is set */
  double target;                                  /* the preset's target, LUFS */
  guint track_number;                             /* the track heard (1-based), 0 for none */
  LqLoudnessSummary track;                        /* its values as delivered (NAN unknown) */
  LqLoudnessSummary album;                        /* the album's as delivered (NAN unknown) */
  gboolean programme_stale;                       /* those are being measured again */
};

static const LqLoudnessSummary unknown = { NAN, NAN, NAN, NAN, NAN };

G_DEFINE_FINAL_TYPE (LqLoudnessView, lq_loudness_view, GTK_TYPE_WIDGET)

static double
db_to_y (double db,
         double top,
         double height)
{
  double t;

  if (!isfinite (db))
    db = SCALE_BOTTOM;
  t = (CLAMP (db, SCALE_BOTTOM, SCALE_TOP) - SCALE_TOP) / (SCALE_BOTTOM - SCALE_TOP);
  return top + t * height;
}

static double
get_double (const GstStructure *s,
            const char         *field,
            double              fallback)
{
  double v;

  return gst_structure_get_double (s, field, &v) ? v : fallback;
}

/* Reads a GstValueArray of doubles into @out; returns the number of values read. */
static guint
get_array (const GstStructure *s,
           const char         *field,
           double             *out,
           guint               max)
{
  const GValue *array = gst_structure_get_value (s, field);
  guint n;

  if (array == NULL || !GST_VALUE_HOLDS_ARRAY (array))
    return 0;
  n = MIN (gst_value_array_get_size (array), max);
  for (guint i = 0; i < n; i++)
    {
      const GValue *v = gst_value_array_get_value (array, i);

      out[i] = G_VALUE_HOLDS_DOUBLE (v) ? g_value_get_double (v) : -INFINITY;
    }
  return n;
}

static char *
format_db (double value,
           const char *unit)
{
  if (isnan (value))
    return g_strdup_printf ("… %s", unit); /* not known yet */
  if (!isfinite (value))
    return g_strdup_printf ("−∞ %s", unit);
  /* U+2212 MINUS SIGN reads better than a hyphen */
  if (value < -0.05)
    return g_strdup_printf ("−%.1f %s", -value, unit);
  return g_strdup_printf ("%.1f %s", fabs (value) < 0.05 ? 0.0 : value, unit);
}

/* Draws @text at (@x, @y), wrapped at the widget's width; returns its height. */
static double
append_text (GtkWidget   *widget,
             GtkSnapshot *snapshot,
             const char  *text,
             double       x,
             double       y,
             const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int lw, lh;

  pango_layout_set_width (layout, (int) ((gtk_widget_get_width (widget) - x) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  if (y < 0)
    y = gtk_widget_get_height (widget) + y - lh;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
  return lh;
}

static void
append_history (LqLoudnessView *self,
                GtkSnapshot    *snapshot,
                const double   *ring,
                double          w,
                double          top,
                double          h,
                const GdkRGBA  *color)
{
  cairo_t *cr;
  gboolean drawing = FALSE;

  if (self->history_len < 2 || w < 2)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, top, w, h));
  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 1.5);
  for (guint age = 0; age < self->history_len; age++)
    {
      guint i = (self->history_pos + LQ_LOUDNESS_VIEW_HISTORY - 1 - age) % LQ_LOUDNESS_VIEW_HISTORY;
      double x = w - age * (w / (LQ_LOUDNESS_VIEW_HISTORY - 1));

      if (!isfinite (ring[i]) || ring[i] < SCALE_BOTTOM)
        {
          drawing = FALSE;
          continue;
        }
      if (drawing)
        cairo_line_to (cr, x, db_to_y (ring[i], top, h));
      else
        cairo_move_to (cr, x, db_to_y (ring[i], top, h));
      drawing = TRUE;
    }
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
lq_loudness_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  LqLoudnessView *self = LQ_LOUDNESS_VIEW (widget);
  double w = gtk_widget_get_width (widget);
  double h = gtk_widget_get_height (widget);
  double graph_w = MAX (w - BARS_WIDTH, 0);
  double top, bottom, gh;
  GdkRGBA fg, grid, m_color = { 0.35, 0.65, 1.0, 1.0 }, s_color = { 1.0, 0.75, 0.25, 1.0 };
  GdkRGBA tp_color = { 0.4, 0.85, 0.45, 1.0 }, red = { 0.95, 0.25, 0.2, 1.0 };
  GdkRGBA target_color = { 0.9, 0.3, 0.9, 0.9 };
  g_autofree char *line1 = NULL, *line2 = NULL;
  g_autoptr(GString) services = g_string_new (NULL);
  g_autofree char *m = NULL, *s = NULL, *i = NULL, *lra = NULL, *plr = NULL;
  double bar_x, bar_w;
  guint n_services;

  if (w < 10 || h < 10)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  grid = fg;
  grid.alpha = 0.15;

  /* Readouts: the values on top, true peaks and the services at the bottom (wrapped) */
  m = format_db (self->momentary, "LUFS");
  s = format_db (self->short_term, "LUFS");
  i = format_db (self->integrated, "LUFS");
  lra = g_strdup_printf ("%.1f LU", self->lra);
  plr = format_db (self->plr, "dB");
  /* TRANSLATORS: M momentary, S short-term, I integrated loudness, LRA loudness range, PLR peak to loudness ratio */
  line1 = g_strdup_printf (_("M %s   S %s   I %s   LRA %s   PLR %s"), m, s, i, lra, plr);
  top = append_text (widget, snapshot, line1, 4, 0, &fg) + 4;
  if (self->track_number > 0 || !isnan (self->album.integrated_lufs))
    {
      /* Not measured yet: an ellipsis (format_db) */
      g_autofree char *track = format_db (self->track.integrated_lufs, "LUFS");
      g_autofree char *track_tp = format_db (self->track.true_peak_dbtp, "dBTP");
      g_autofree char *album = format_db (self->album.integrated_lufs, "LUFS");
      g_autofree char *album_tp = format_db (self->album.true_peak_dbtp, "dBTP");
      g_autofree char *line = NULL;
      GdkRGBA dim = fg;

      /* Fainter while the values are measured again after an edit */
      dim.alpha = self->programme_stale ? 0.4 : 0.7;
      if (self->track_number > 0)
        /* TRANSLATORS: the integrated loudness and true peak of the track heard and of the whole
         * album, as delivered (after the chains) */
        line = g_strdup_printf (_("Track %u %s %s   Album %s %s"), self->track_number, track, track_tp,
                                album, album_tp);
      else
        line = g_strdup_printf (_("Album %s %s"), album, album_tp);
      top += append_text (widget, snapshot, line, 4, top - 4, &dim);
    }

  {
    g_autoptr(GString) tp = g_string_new (_("True peak"));

    for (guint c = 0; c < self->n_channels; c++)
      {
        g_autofree char *hold = format_db (self->peak_hold[c], "dBTP");

        g_string_append_printf (tp, "  %s", hold);
        if (self->clips[c] > 0)
          {
            g_string_append (tp, " (");
            g_string_append_printf (tp, g_dngettext (GETTEXT_PACKAGE, "%u clip", "%u clips", self->clips[c]),
                                    self->clips[c]);
            g_string_append_c (tp, ')');
          }
      }
    line2 = g_string_free (g_steal_pointer (&tp), FALSE);
  }
  n_services = lq_loudness_view_get_n_services (self);
  for (guint k = 0; k < n_services; k++)
    {
      g_autofree char *text = lq_loudness_view_get_service_text (self, k);
      g_auto(GStrv) words = g_strsplit (text, " ", -1);
      g_autofree char *unbroken = g_strjoinv ("\u00a0", words); /* one entry never wraps */

      if (services->len > 0)
        g_string_append (services, "   ");
      g_string_append (services, unbroken);
    }
  bottom = h - append_text (widget, snapshot, services->str, 4, -2, &fg) - 2;
  bottom -= append_text (widget, snapshot, line2, 4, bottom - h, &fg) + 4;
  gh = bottom - top;
  if (gh < 8)
    return;

  /* The grid: a line every 6 dB */
  for (double db = SCALE_TOP; db >= SCALE_BOTTOM; db -= 6.0)
    {
      double y = db_to_y (db, top, gh);

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (0, y, w, 1));
    }

  /* History */
  append_history (self, snapshot, self->history_s, graph_w, top, gh, &s_color);
  append_history (self, snapshot, self->history_m, graph_w, top, gh, &m_color);

  /* Target line */
  if (self->has_target)
    gtk_snapshot_append_color (snapshot, &target_color,
                               &GRAPHENE_RECT_INIT (0, db_to_y (self->target, top, gh) - 1, w, 2));

  /* Bars: M, S, I, then one per channel of true peak */
  bar_x = graph_w + 8;
  bar_w = MAX ((BARS_WIDTH - 16) / (3 + MAX (self->n_channels, 1)) - 4, 2);
  {
    const double values[3] = { self->momentary, self->short_term, self->integrated };
    const GdkRGBA *colors[3] = { &m_color, &s_color, &fg };

    for (guint k = 0; k < 3; k++, bar_x += bar_w + 4)
      {
        double y = db_to_y (values[k], top, gh);

        gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (bar_x, top, bar_w, gh));
        gtk_snapshot_append_color (snapshot, colors[k], &GRAPHENE_RECT_INIT (bar_x, y, bar_w, top + gh - y));
      }
  }
  for (guint c = 0; c < self->n_channels; c++, bar_x += bar_w + 4)
    {
      double y = db_to_y (self->true_peak[c], top, gh);
      double hold = db_to_y (self->peak_hold[c], top, gh);
      const GdkRGBA *color = self->clips[c] > 0 ? &red : &tp_color;

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (bar_x, top, bar_w, gh));
      gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (bar_x, y, bar_w, top + gh - y));
      gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (bar_x, hold - 1, bar_w, 2));
    }
}

static void
lq_loudness_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 160;
}

static void
lq_loudness_view_class_init (LqLoudnessViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = lq_loudness_view_snapshot;
  widget_class->measure = lq_loudness_view_measure;
  gtk_widget_class_set_css_name (widget_class, "lqloudnessview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lq_loudness_view_init (LqLoudnessView *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  self->track = unknown;
  self->album = unknown;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Loudness meter"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Momentary (blue), short-term (orange) and integrated loudness, "
                                 "true peak per channel with hold, and what each streaming service "
                                 "would do to this track"));
  lq_loudness_view_reset (self);
}

GtkWidget *
lq_loudness_view_new (void)
{
  return g_object_new (LQ_TYPE_LOUDNESS_VIEW, NULL);
}

/**
 * lq_loudness_view_handle_message:
 * @structure: an element message's structure
 *
 * Returns: TRUE if it was an "lqloudness" message (and the view now shows it)
 */
gboolean
lq_loudness_view_handle_message (LqLoudnessView     *self,
                                 const GstStructure *structure)
{
  double tp[LQ_LOUDNESS_VIEW_MAX_CHANNELS], hold[LQ_LOUDNESS_VIEW_MAX_CHANNELS];
  double sp[LQ_LOUDNESS_VIEW_MAX_CHANNELS];
  guint n, n_hold, n_sp;

  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), FALSE);
  g_return_val_if_fail (structure != NULL, FALSE);

  if (!gst_structure_has_name (structure, "lqloudness"))
    return FALSE;
  self->momentary = get_double (structure, "momentary", -INFINITY);
  self->short_term = get_double (structure, "short-term", -INFINITY);
  self->integrated = get_double (structure, "integrated", -INFINITY);
  self->lra = get_double (structure, "loudness-range", 0.0);
  self->plr = get_double (structure, "plr", NAN);
  n = get_array (structure, "true-peak", tp, LQ_LOUDNESS_VIEW_MAX_CHANNELS);
  n_hold = get_array (structure, "max-true-peak", hold, LQ_LOUDNESS_VIEW_MAX_CHANNELS);
  n_sp = get_array (structure, "sample-peak", sp, LQ_LOUDNESS_VIEW_MAX_CHANNELS);
  self->n_channels = n;
  for (guint c = 0; c < n; c++)
    {
      self->true_peak[c] = tp[c];
      /* The element's hold is since its own reset; ours also survives a view reset being
       * later than the element's (the higher one wins until both are reset). */
      self->peak_hold[c] = c < n_hold ? hold[c] : MAX (self->peak_hold[c], tp[c]);
      if (c < n_sp && sp[c] >= 0.0)
        self->clips[c]++;
    }
  self->history_m[self->history_pos] = self->momentary;
  self->history_s[self->history_pos] = self->short_term;
  self->history_pos = (self->history_pos + 1) % LQ_LOUDNESS_VIEW_HISTORY;
  self->history_len = MIN (self->history_len + 1, LQ_LOUDNESS_VIEW_HISTORY);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
lq_loudness_view_reset (LqLoudnessView *self)
{
  g_return_if_fail (LQ_IS_LOUDNESS_VIEW (self));

  self->momentary = self->short_term = self->integrated = -INFINITY;
  self->lra = 0.0;
  self->plr = NAN;
  self->n_channels = 0;
  for (guint c = 0; c < LQ_LOUDNESS_VIEW_MAX_CHANNELS; c++)
    {
      self->true_peak[c] = self->peak_hold[c] = -INFINITY;
      self->clips[c] = 0;
    }
  self->history_pos = self->history_len = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* @preset: (nullable): the delivery preset whose target is drawn, NULL for none */
void
lq_loudness_view_set_preset (LqLoudnessView *self,
                             const LqPreset *preset)
{
  g_return_if_fail (LQ_IS_LOUDNESS_VIEW (self));

  self->has_target = preset != NULL;
  self->target = preset != NULL ? preset->target_lufs : NAN;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * lq_loudness_view_set_programme:
 * @track_number: the track heard (1-based), 0 for none
 * @track: (nullable): its values as delivered (the track list's), %NULL when unknown
 * @album: (nullable): the whole album's, %NULL when unknown
 * @stale: the values are from before an edit and are being measured again
 *
 * The per-track and album values shown beside the running meter values; the streaming
 * services' readout is computed from them.
 */
void
lq_loudness_view_set_programme (LqLoudnessView          *self,
                                guint                    track_number,
                                const LqLoudnessSummary *track,
                                const LqLoudnessSummary *album,
                                gboolean                 stale)
{
  g_return_if_fail (LQ_IS_LOUDNESS_VIEW (self));

  self->track_number = track_number;
  self->track = track != NULL ? *track : unknown;
  self->album = album != NULL ? *album : unknown;
  self->programme_stale = stale;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
lq_loudness_view_get_track_number (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), 0);
  return self->track_number;
}

/* Returns: the integrated loudness of the track heard as set, NAN when unknown */
double
lq_loudness_view_get_track_loudness (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  return self->track.integrated_lufs;
}

/* Returns: its true peak, NAN when unknown */
double
lq_loudness_view_get_track_true_peak (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  return self->track.true_peak_dbtp;
}

double
lq_loudness_view_get_album_loudness (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  return self->album.integrated_lufs;
}

gboolean
lq_loudness_view_get_programme_stale (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), FALSE);
  return self->programme_stale;
}

/* Returns: the target line in LUFS, NAN without a preset */
double
lq_loudness_view_get_target (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  return self->has_target ? self->target : NAN;
}

double
lq_loudness_view_get_momentary (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  return self->momentary;
}

double
lq_loudness_view_get_short_term (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  return self->short_term;
}

double
lq_loudness_view_get_integrated (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  return self->integrated;
}

double
lq_loudness_view_get_loudness_range (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  return self->lra;
}

double
lq_loudness_view_get_plr (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  return self->plr;
}

guint
lq_loudness_view_get_n_channels (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), 0);
  return self->n_channels;
}

/* Returns: the true peak of the last interval, dBTP */
double
lq_loudness_view_get_true_peak (LqLoudnessView *self,
                                guint           channel)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  g_return_val_if_fail (channel < self->n_channels, NAN);
  return self->true_peak[channel];
}

/* Returns: the highest true peak since the last reset, dBTP */
double
lq_loudness_view_get_true_peak_hold (LqLoudnessView *self,
                                     guint           channel)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  g_return_val_if_fail (channel < self->n_channels, NAN);
  return self->peak_hold[channel];
}

guint
lq_loudness_view_get_clip_count (LqLoudnessView *self,
                                 guint           channel)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), 0);
  g_return_val_if_fail (channel < LQ_LOUDNESS_VIEW_MAX_CHANNELS, 0);
  return self->clips[channel];
}

guint
lq_loudness_view_get_n_history (LqLoudnessView *self)
{
  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), 0);
  return self->history_len;
}

/* @age: 0 for the newest message. Returns: the momentary loudness then; the short-term one in
 * @short_term when not NULL. */
double
lq_loudness_view_get_history (LqLoudnessView *self,
                              guint           age,
                              double         *short_term)
{
  guint i;

  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  g_return_val_if_fail (age < self->history_len, NAN);

  i = (self->history_pos + LQ_LOUDNESS_VIEW_HISTORY - 1 - age) % LQ_LOUDNESS_VIEW_HISTORY;
  if (short_term != NULL)
    *short_term = self->history_s[i];
  return self->history_m[i];
}

guint
lq_loudness_view_get_n_services (LqLoudnessView *self)
{
  guint n;

  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), 0);
  lq_preset_get_builtin (&n);
  return n;
}

const char *
lq_loudness_view_get_service_name (LqLoudnessView *self,
                                   guint           index)
{
  guint n;
  const LqPreset *presets = lq_preset_get_builtin (&n);

  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NULL);
  g_return_val_if_fail (index < n, NULL);
  return presets[index].name;
}

/* Returns: the gain the service would apply to the track heard, from its values and the
 * album's as delivered (lq_preset_playback_gain()), dB; NAN while they are unknown */
double
lq_loudness_view_get_service_gain (LqLoudnessView *self,
                                   guint           index)
{
  guint n;
  const LqPreset *presets = lq_preset_get_builtin (&n);

  g_return_val_if_fail (LQ_IS_LOUDNESS_VIEW (self), NAN);
  g_return_val_if_fail (index < n, NAN);

  if (self->track_number == 0 || isnan (self->track.integrated_lufs))
    return NAN;
  return lq_preset_playback_gain (&presets[index], self->track.integrated_lufs, self->track.true_peak_dbtp,
                                  self->album.integrated_lufs, self->album.true_peak_dbtp);
}

/* Returns: (transfer full): "Spotify −3.2 dB" (or "Spotify —" before the loudness is known) */
char *
lq_loudness_view_get_service_text (LqLoudnessView *self,
                                   guint           index)
{
  double gain = lq_loudness_view_get_service_gain (self, index);
  const char *name = lq_loudness_view_get_service_name (self, index);
  const LqPreset *presets;
  g_autofree char *db = NULL;
  guint n;

  if (name == NULL)
    return NULL;
  presets = lq_preset_get_builtin (&n);
  if (isnan (gain))
    return g_strdup_printf ("%s —", name);
  db = format_db (gain, "dB");
  /* A service that normalizes albums as a whole: the gain is the album's */
  if (presets[index].normalization == LQ_PRESET_NORMALIZE_ALBUM && !isnan (self->album.integrated_lufs))
    /* TRANSLATORS: a streaming service's gain for the whole album, "Spotify −1.3 dB (album)" */
    return g_strdup_printf (_("%s %s%s (album)"), name, gain >= 0.05 ? "+" : "", db);
  return g_strdup_printf ("%s %s%s", name, gain >= 0.05 ? "+" : "", db);
}
