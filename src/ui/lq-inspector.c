/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-inspector"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lq-inspector.h"
#include "lq-redbook.h"

struct _LqInspector
{
  GtkWidget parent_instance;

  LqProject *project;      /* the album edited */
  LqHistory *history;      /* where edits go */
  LqTrack *track;          /* the track edited, or NULL */
  gboolean updating;       /* widgets are being set from the model: do not record */

  /* Template widgets */
  GtkWidget *scroller;
  AdwPreferencesGroup *track_group;
  AdwEntryRow *title_row;
  AdwEntryRow *performer_row;
  AdwEntryRow *isrc_row;
  GtkSpinButton *gain_spin;
  GtkSpinButton *fade_in_spin;
  AdwComboRow *fade_in_curve_row;
  GtkSpinButton *fade_out_spin;
  AdwComboRow *fade_out_curve_row;
  GtkSpinButton *pause_spin;
  GtkSpinButton *crossfade_spin;
  AdwComboRow *crossfade_curve_row;
  AdwEntryRow *album_title_row;
  AdwEntryRow *artist_row;
  GtkSwitch *cd_mode_switch;
};

G_DEFINE_FINAL_TYPE (LqInspector, lq_inspector, GTK_TYPE_WIDGET)

static guint
album_rate (LqInspector *self)
{
  return self->project != NULL ? lq_project_get_rate (self->project) : 44100;
}

static guint64
seconds_to_samples (LqInspector *self,
                    double       seconds)
{
  guint64 samples = (guint64) llround (MAX (seconds, 0.0) * album_rate (self));

  if (self->project != NULL && lq_project_get_cd_mode (self->project))
    samples = (samples + LQ_CD_FRAME_FRAMES / 2) / LQ_CD_FRAME_FRAMES * LQ_CD_FRAME_FRAMES;
  return samples;
}

static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  const char *current = gtk_editable_get_text (GTK_EDITABLE (row));

  if (g_strcmp0 (current, text != NULL ? text : "") == 0)
    return;
  /* Without the apply button while the text is set, so it does not offer to apply it. */
  adw_entry_row_set_show_apply_button (row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  adw_entry_row_set_show_apply_button (row, TRUE);
}

static void
set_spin (GtkSpinButton *spin,
          double         value)
{
  if (fabs (gtk_spin_button_get_value (spin) - value) > 1e-9)
    gtk_spin_button_set_value (spin, value);
}

static void
update_track (LqInspector *self)
{
  double rate = album_rate (self);
  gboolean has_track = self->track != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->track_group), has_track);
  if (!has_track)
    {
      adw_preferences_group_set_description (self->track_group, _("Select a track to edit it"));
      return;
    }
  self->updating = TRUE;
  adw_preferences_group_set_description (self->track_group, NULL);
  set_entry_text (self->title_row, lq_track_get_title (self->track));
  set_entry_text (self->performer_row, lq_track_get_performer (self->track));
  set_entry_text (self->isrc_row, lq_track_get_isrc (self->track));
  gtk_widget_remove_css_class (GTK_WIDGET (self->isrc_row), "error");
  set_spin (self->gain_spin, lq_track_get_gain (self->track));
  set_spin (self->fade_in_spin, lq_track_get_fade_in (self->track) / rate);
  set_spin (self->fade_out_spin, lq_track_get_fade_out (self->track) / rate);
  set_spin (self->pause_spin, lq_track_get_pause (self->track) / rate);
  set_spin (self->crossfade_spin, lq_track_get_crossfade (self->track) / rate);
  adw_combo_row_set_selected (self->fade_in_curve_row, lq_track_get_fade_in_curve (self->track));
  adw_combo_row_set_selected (self->fade_out_curve_row, lq_track_get_fade_out_curve (self->track));
  adw_combo_row_set_selected (self->crossfade_curve_row, lq_track_get_crossfade_curve (self->track));
  self->updating = FALSE;
}

static void
update_album (LqInspector *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->album_title_row), self->project != NULL);
  if (self->project == NULL)
    return;
  self->updating = TRUE;
  set_entry_text (self->album_title_row, lq_project_get_title (self->project));
  set_entry_text (self->artist_row, lq_project_get_artist (self->project));
  gtk_switch_set_active (self->cd_mode_switch, lq_project_get_cd_mode (self->project));
  self->updating = FALSE;
}

static void
record (LqInspector *self,
        gpointer     object,
        const char  *property,
        GValue      *value,
        const char  *label)
{
  if (self->updating || object == NULL)
    return;
  if (self->history != NULL)
    lq_history_set_property (self->history, G_OBJECT (object), property, value, label);
  else
    g_object_set_property (G_OBJECT (object), property, value);
}

static void
record_string (LqInspector *self,
               gpointer     object,
               const char  *property,
               const char  *text,
               const char  *label)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, text != NULL && *text ? text : NULL);
  record (self, object, property, &v, label);
  g_value_unset (&v);
}

static void
record_samples (LqInspector *self,
                const char  *property,
                double       seconds,
                const char  *label)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_UINT64);
  g_value_set_uint64 (&v, seconds_to_samples (self, seconds));
  record (self, self->track, property, &v, label);
  g_value_unset (&v);
}

static void
title_apply_cb (LqInspector *self,
                AdwEntryRow *row)
{
  record_string (self, self->track, "title", gtk_editable_get_text (GTK_EDITABLE (row)), _("Rename Track"));
}

static void
performer_apply_cb (LqInspector *self,
                    AdwEntryRow *row)
{
  record_string (self, self->track, "performer", gtk_editable_get_text (GTK_EDITABLE (row)), _("Change Performer"));
}

static gboolean
check_isrc (LqInspector *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->isrc_row));
  g_autoptr(GError) error = NULL;

  if (*text == '\0' || lq_redbook_check_isrc (text, &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->isrc_row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->isrc_row),
                                   _("International Standard Recording Code, as CC-XXX-YY-NNNNN; press Enter to apply"));
      return TRUE;
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->isrc_row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->isrc_row), error->message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->isrc_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  error->message, -1);
  return FALSE;
}

static void
isrc_changed_cb (LqInspector *self,
                 GtkEditable *editable)
{
  if (!self->updating)
    check_isrc (self);
}

static void
isrc_apply_cb (LqInspector *self,
               AdwEntryRow *row)
{
  if (check_isrc (self))
    record_string (self, self->track, "isrc", gtk_editable_get_text (GTK_EDITABLE (row)), _("Change ISRC"));
}

static void
gain_changed_cb (LqInspector   *self,
                 GtkSpinButton *spin)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_DOUBLE);
  g_value_set_double (&v, gtk_spin_button_get_value (spin));
  record (self, self->track, "gain", &v, _("Change Gain"));
  g_value_unset (&v);
}

static void
fade_in_changed_cb (LqInspector   *self,
                    GtkSpinButton *spin)
{
  record_samples (self, "fade-in", gtk_spin_button_get_value (spin), _("Change Fade-In"));
}

static void
fade_out_changed_cb (LqInspector   *self,
                     GtkSpinButton *spin)
{
  record_samples (self, "fade-out", gtk_spin_button_get_value (spin), _("Change Fade-Out"));
}

static void
pause_changed_cb (LqInspector   *self,
                  GtkSpinButton *spin)
{
  record_samples (self, "pause", gtk_spin_button_get_value (spin), _("Change Pause"));
}

static void
crossfade_changed_cb (LqInspector   *self,
                      GtkSpinButton *spin)
{
  record_samples (self, "crossfade", gtk_spin_button_get_value (spin), _("Change Crossfade"));
}

static void
curve_selected_cb (LqInspector *self,
                   GParamSpec  *pspec,
                   AdwComboRow *row)
{
  GValue v = G_VALUE_INIT;
  const char *property, *label;

  if (row == self->fade_in_curve_row)
    property = "fade-in-curve", label = _("Change Fade-In Curve");
  else if (row == self->fade_out_curve_row)
    property = "fade-out-curve", label = _("Change Fade-Out Curve");
  else
    property = "crossfade-curve", label = _("Change Crossfade Curve");
  g_value_init (&v, LQ_TYPE_FADE_CURVE);
  g_value_set_enum (&v, (int) adw_combo_row_get_selected (row));
  record (self, self->track, property, &v, label);
  g_value_unset (&v);
}

static void
album_title_apply_cb (LqInspector *self,
                      AdwEntryRow *row)
{
  record_string (self, self->project, "title", gtk_editable_get_text (GTK_EDITABLE (row)), _("Rename Album"));
}

static void
artist_apply_cb (LqInspector *self,
                 AdwEntryRow *row)
{
  record_string (self, self->project, "artist", gtk_editable_get_text (GTK_EDITABLE (row)), _("Change Artist"));
}

static void
cd_mode_cb (LqInspector *self,
            GParamSpec  *pspec,
            GtkSwitch   *toggle)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, G_TYPE_BOOLEAN);
  g_value_set_boolean (&v, gtk_switch_get_active (toggle));
  record (self, self->project, "cd-mode", &v, _("Change CD Mode"));
  g_value_unset (&v);
}

static void
track_notify_cb (LqInspector *self)
{
  update_track (self);
}

static void
project_notify_cb (LqInspector *self)
{
  update_album (self);
  update_track (self);
}

static void
lq_inspector_dispose (GObject *object)
{
  LqInspector *self = LQ_INSPECTOR (object);

  lq_inspector_set_track (self, NULL);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_clear_object (&self->project);
  g_clear_object (&self->history);
  gtk_widget_dispose_template (GTK_WIDGET (self), LQ_TYPE_INSPECTOR);

  G_OBJECT_CLASS (lq_inspector_parent_class)->dispose (object);
}

static void
lq_inspector_class_init (LqInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_inspector_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/lq-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, LqInspector, scroller);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, track_group);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, title_row);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, performer_row);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, isrc_row);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, gain_spin);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, fade_in_spin);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, fade_in_curve_row);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, fade_out_spin);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, fade_out_curve_row);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, pause_spin);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, crossfade_spin);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, crossfade_curve_row);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, album_title_row);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, artist_row);
  gtk_widget_class_bind_template_child (widget_class, LqInspector, cd_mode_switch);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inspector");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lq_inspector_init (LqInspector *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Track and album details"), -1);

  g_signal_connect_swapped (self->title_row, "apply", G_CALLBACK (title_apply_cb), self);
  g_signal_connect_swapped (self->performer_row, "apply", G_CALLBACK (performer_apply_cb), self);
  g_signal_connect_swapped (self->isrc_row, "apply", G_CALLBACK (isrc_apply_cb), self);
  g_signal_connect_swapped (self->isrc_row, "changed", G_CALLBACK (isrc_changed_cb), self);
  g_signal_connect_swapped (self->gain_spin, "value-changed", G_CALLBACK (gain_changed_cb), self);
  g_signal_connect_swapped (self->fade_in_spin, "value-changed", G_CALLBACK (fade_in_changed_cb), self);
  g_signal_connect_swapped (self->fade_out_spin, "value-changed", G_CALLBACK (fade_out_changed_cb), self);
  g_signal_connect_swapped (self->pause_spin, "value-changed", G_CALLBACK (pause_changed_cb), self);
  g_signal_connect_swapped (self->crossfade_spin, "value-changed", G_CALLBACK (crossfade_changed_cb), self);
  g_signal_connect_swapped (self->fade_in_curve_row, "notify::selected", G_CALLBACK (curve_selected_cb), self);
  g_signal_connect_swapped (self->fade_out_curve_row, "notify::selected", G_CALLBACK (curve_selected_cb), self);
  g_signal_connect_swapped (self->crossfade_curve_row, "notify::selected", G_CALLBACK (curve_selected_cb), self);
  g_signal_connect_swapped (self->album_title_row, "apply", G_CALLBACK (album_title_apply_cb), self);
  g_signal_connect_swapped (self->artist_row, "apply", G_CALLBACK (artist_apply_cb), self);
  g_signal_connect_swapped (self->cd_mode_switch, "notify::active", G_CALLBACK (cd_mode_cb), self);

  update_track (self);
  update_album (self);
}

GtkWidget *
lq_inspector_new (void)
{
  return g_object_new (LQ_TYPE_INSPECTOR, NULL);
}

/**
 * lq_inspector_set_project:
 * @project: (nullable): the album
 * @history: (nullable): where edits are recorded
 */
void
lq_inspector_set_project (LqInspector *self,
                          LqProject   *project,
                          LqHistory   *history)
{
  g_return_if_fail (LQ_IS_INSPECTOR (self));

  lq_inspector_set_track (self, NULL);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  g_set_object (&self->project, project);
  g_set_object (&self->history, history);
  if (project != NULL)
    g_signal_connect_object (project, "notify", G_CALLBACK (project_notify_cb), self, G_CONNECT_SWAPPED);
  update_album (self);
}

/**
 * lq_inspector_set_track:
 * @track: (nullable): the track to edit
 */
void
lq_inspector_set_track (LqInspector *self,
                        LqTrack     *track)
{
  g_return_if_fail (LQ_IS_INSPECTOR (self));

  if (self->track == track)
    return;
  if (self->track != NULL)
    g_signal_handlers_disconnect_by_data (self->track, self);
  g_set_object (&self->track, track);
  if (track != NULL)
    g_signal_connect_object (track, "notify", G_CALLBACK (track_notify_cb), self, G_CONNECT_SWAPPED);
  update_track (self);
}

/**
 * lq_inspector_get_track:
 *
 * Returns: (transfer none) (nullable): the track edited
 */
LqTrack *
lq_inspector_get_track (LqInspector *self)
{
  g_return_val_if_fail (LQ_IS_INSPECTOR (self), NULL);
  return self->track;
}
