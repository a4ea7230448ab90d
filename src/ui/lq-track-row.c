/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-track-row"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lq-track-row.h"

struct _LqTrackRow
{
  GtkWidget parent_instance;

  LqTrack *track;          /* the track shown, or NULL */
  guint number;            /* its number in the list (1-based) */
  gboolean measured;       /* loudness known */
  gboolean stale;          /* the values shown are being measured again */
  double integrated_lufs;
  double true_peak_dbtp;

  /* Template widgets */
  GtkWidget *grid;
  GtkStack *number_stack;
  GtkLabel *number_label;
  GtkLabel *title_label;
  GtkWidget *missing_icon;
  GtkLabel *length_label;
  GtkLabel *loudness_label;
  GtkLabel *peak_label;
  GtkLabel *offset_label;
  GtkLabel *isrc_label;
};

G_DEFINE_FINAL_TYPE (LqTrackRow, lq_track_row, GTK_TYPE_WIDGET)

/**
 * lq_format_db:
 * @unit: "LUFS", "dBTP", "dB"...
 *
 * Returns: @value with one decimal, a real minus sign, and @unit; "−∞ @unit" for silence
 */
char *
lq_format_db (double      value,
              const char *unit)
{
  if (isinf (value) && value < 0)
    return g_strdup_printf ("−∞ %s", unit);
  if (isnan (value))
    return g_strdup_printf ("… %s", unit);
  if (fabs (value) < 0.05)
    value = 0.0;
  if (value < 0)
    return g_strdup_printf ("−%.1f %s", -value, unit);
  if (!g_str_equal (unit, "LUFS"))
    return g_strdup_printf ("+%.1f %s", value, unit);
  return g_strdup_printf ("%.1f %s", value, unit);
}

static void
update (LqTrackRow *self)
{
  g_autofree char *num = g_strdup_printf ("%u", self->number);
  g_autofree char *length = NULL;
  g_autofree char *lufs = NULL;
  g_autofree char *tp = NULL;
  g_autofree char *offset = NULL;
  g_autofree char *accessible = NULL;
  const char *title, *isrc;
  guint total;

  gtk_label_set_label (self->number_label, num);
  if (self->track == NULL)
    return;

  title = lq_track_get_title (self->track) ? lq_track_get_title (self->track) : _("Untitled");
  isrc = lq_track_get_isrc (self->track);
  total = (guint) (lq_track_get_duration (self->track) + 0.5);
  length = g_strdup_printf ("%u:%02u", total / 60, total % 60);
  lufs = self->measured ? lq_format_db (self->integrated_lufs, "LUFS") : g_strdup ("… LUFS");
  tp = self->measured ? lq_format_db (self->true_peak_dbtp, "dBTP") : g_strdup ("… dBTP");
  offset = lq_format_db (lq_track_get_match_gain (self->track), "dB");

  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->length_label, length);
  gtk_label_set_label (self->loudness_label, lufs);
  gtk_label_set_label (self->peak_label, tp);
  gtk_label_set_label (self->offset_label, offset);
  /* The ISRC on a line of its own, when there is one */
  if (isrc != NULL && *isrc)
    {
      g_autofree char *text = g_strdup_printf ("ISRC %s", isrc);
      gtk_label_set_label (self->isrc_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->isrc_label), isrc != NULL && *isrc);
  gtk_widget_set_visible (self->missing_icon, lq_track_get_missing (self->track));
  if (lq_track_get_file (self->track) != NULL)
    {
      g_autofree char *path = g_file_get_parse_name (lq_track_get_file (self->track));
      g_autofree char *tooltip = g_markup_printf_escaped ("<b>%s</b>\n%s", title, path);
      gtk_widget_set_tooltip_markup (self->grid, tooltip);
    }

  if (self->measured && self->stale)
    {
      /* Translators: a loudness value shown while the album is measured again after an edit */
      g_autofree char *measuring = g_strdup_printf (_("%s (measuring)"), lufs);
      g_free (lufs);
      lufs = g_steal_pointer (&measuring);
    }
  /* Translators: the accessible name of a track list row: number, title, length, loudness,
   * true peak, level-match offset, ISRC */
  accessible = g_strdup_printf (_("Track %u: %s, %s, %s, %s, offset %s, %s"), self->number, title, length,
                                lufs, tp, offset, isrc != NULL && *isrc ? isrc : _("no ISRC"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
track_notify_cb (LqTrackRow *self,
                 GParamSpec *pspec,
                 LqTrack    *track)
{
  update (self);
}

static void
lq_track_row_dispose (GObject *object)
{
  LqTrackRow *self = LQ_TRACK_ROW (object);

  lq_track_row_set_track (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LQ_TYPE_TRACK_ROW);

  G_OBJECT_CLASS (lq_track_row_parent_class)->dispose (object);
}

static void
lq_track_row_class_init (LqTrackRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_track_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/lq-track-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, grid);
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, number_stack);
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, missing_icon);
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, length_label);
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, loudness_label);
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, peak_label);
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, offset_label);
  gtk_widget_class_bind_template_child (widget_class, LqTrackRow, isrc_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "trackrow");
}

static void
lq_track_row_init (LqTrackRow *self)
{
  self->integrated_lufs = NAN;
  self->true_peak_dbtp = NAN;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lq_track_row_new (void)
{
  return g_object_new (LQ_TYPE_TRACK_ROW, NULL);
}

/**
 * lq_track_row_set_track:
 * @track: (nullable): the track to show
 */
void
lq_track_row_set_track (LqTrackRow *self,
                        LqTrack    *track)
{
  g_return_if_fail (LQ_IS_TRACK_ROW (self));

  if (self->track == track)
    return;
  if (self->track != NULL)
    g_signal_handlers_disconnect_by_data (self->track, self);
  g_set_object (&self->track, track);
  self->measured = FALSE;
  if (track != NULL)
    g_signal_connect_object (track, "notify", G_CALLBACK (track_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
}

/**
 * lq_track_row_get_track:
 *
 * Returns: (transfer none) (nullable): the track shown
 */
LqTrack *
lq_track_row_get_track (LqTrackRow *self)
{
  g_return_val_if_fail (LQ_IS_TRACK_ROW (self), NULL);
  return self->track;
}

void
lq_track_row_set_number (LqTrackRow *self,
                         guint       number)
{
  g_return_if_fail (LQ_IS_TRACK_ROW (self));

  if (self->number == number)
    return;
  self->number = number;
  update (self);
}

guint
lq_track_row_get_number (LqTrackRow *self)
{
  g_return_val_if_fail (LQ_IS_TRACK_ROW (self), 0);
  return self->number;
}

/**
 * lq_track_row_set_loudness:
 * @measured: whether the values are known (else "…" is shown)
 * @stale: the values are from before an edit, measured again now (drawn faded)
 */
void
lq_track_row_set_loudness (LqTrackRow *self,
                           gboolean    measured,
                           gboolean    stale,
                           double      integrated_lufs,
                           double      true_peak_dbtp)
{
  g_return_if_fail (LQ_IS_TRACK_ROW (self));

  self->measured = measured;
  self->stale = stale;
  self->integrated_lufs = integrated_lufs;
  self->true_peak_dbtp = true_peak_dbtp;
  if (measured && stale)
    gtk_widget_add_css_class (GTK_WIDGET (self), "stale");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "stale");
  update (self);
}

void
lq_track_row_set_playing (LqTrackRow *self,
                          gboolean    playing)
{
  g_return_if_fail (LQ_IS_TRACK_ROW (self));

  gtk_stack_set_visible_child_name (self->number_stack, playing ? "playing" : "number");
  if (playing)
    gtk_widget_add_css_class (GTK_WIDGET (self), "playing");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "playing");
}
