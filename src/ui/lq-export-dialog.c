/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-export-dialog"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lq-cue.h"
#include "lq-ddp-reader.h"
#include "lq-ddp.h"
#include "lq-export-dialog.h"
#include "lq-redbook-check.h"
#include "lq-report.h"
#include "lq-streaming.h"
#include "lq-window.h"

struct _LqExportDialog
{
  AdwWindow parent_instance;

  /* template */
  AdwWindowTitle *window_title;
  GtkStack *stack;
  GtkLabel *summary_label;
  GtkListBox *checks_list;
  GtkWidget *preset_box;
  GtkDropDown *preset_dropdown;
  GtkLabel *destination_label;
  GtkWidget *export_button;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkLabel *result_label;
  GtkTextView *report_view;
  GtkWidget *open_button;

  LqProject *project;         /* the project to export (ref) */
  LqExportKind kind;
  LqPreset preset;            /* streaming: the service preset (strings are static) */
  gboolean blocked;           /* the checks found an error: no export */
  GFile *destination;         /* the chosen parent folder, NULL until chosen */
  GFile *output;              /* destination/<album name>: what the export writes */
  GCancellable *cancellable;  /* the running export's, NULL when idle */
  guint progress_id;          /* timeout polling the progress while exporting */
  gint progress;              /* fraction * 10000, written by the worker (atomic) */
  char *report_text;          /* the report shown at the end */
  gboolean passed;            /* the export succeeded and its verification passed */
  gboolean done;              /* the export has finished (successfully or not) */
};

G_DEFINE_FINAL_TYPE (LqExportDialog, lq_export_dialog, ADW_TYPE_WINDOW)

/* What the worker thread needs: copies, so the dialog may go away meanwhile. */
typedef struct
{
  LqExportKind kind;
  LqProject *project;
  GFile *output;
  LqPreset preset;
  gint *progress;              /* points into a ref'd dialog */
} Job;

typedef struct
{
  gboolean passed;
  char *text;
} Outcome;

static void
job_free (Job *job)
{
  g_clear_object (&job->project);
  g_clear_object (&job->output);
  g_free (job);
}

static void
outcome_free (Outcome *outcome)
{
  g_free (outcome->text);
  g_free (outcome);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  g_atomic_int_set ((gint *) user_data, (gint) (CLAMP (fraction, 0.0, 1.0) * 10000));
}

static void
append_issues (GString   *text,
               GPtrArray *issues)
{
  for (guint i = 0; issues != NULL && i < issues->len; i++)
    {
      const LqRedbookIssue *issue = g_ptr_array_index (issues, i);

      g_string_append_printf (text, "%s: %s\n",
                              issue->severity == LQ_CHECK_ERROR ? _("Error") : _("Warning"),
                              issue->message);
    }
}

static void
list_files (GString *text,
            GFile   *folder)
{
  g_autoptr(GFileEnumerator) e = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                                            G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  GFileInfo *info;

  if (e == NULL)
    return;
  while ((info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
    {
      g_autofree char *size = g_format_size (g_file_info_get_size (info));

      g_string_append_printf (text, "  %s  (%s)\n", g_file_info_get_name (info), size);
      g_object_unref (info);
    }
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  Outcome *outcome = g_new0 (Outcome, 1);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) issues = lq_redbook_issues_new ();
  g_autofree char *path = g_file_get_path (job->output);

  switch (job->kind)
    {
    case LQ_EXPORT_DDP:
      {
        LqDdpOptions options;
        g_autoptr(LqDdpReader) reader = NULL;
        g_autoptr(GPtrArray) verify_issues = lq_redbook_issues_new ();
        gboolean verified;

        lq_ddp_options_init (&options);
        options.issues = issues;
        if (!lq_ddp_export (job->project, job->output, &options, cancellable, progress_cb, job->progress, &error))
          break;
        g_string_append_printf (text, _("DDP fileset written to %s\n"), path);
        list_files (text, job->output);
        reader = lq_ddp_reader_open (job->output, &error);
        if (reader == NULL)
          break;
        g_string_append_printf (text, _("DDP level %s, master ID “%s”, %u tracks\n"),
                                lq_ddp_reader_get_level (reader), lq_ddp_reader_get_master_id (reader),
                                lq_ddp_reader_get_disc (reader)->n_tracks);
        verified = lq_ddp_reader_verify (reader, &options.limits, verify_issues, cancellable, &error);
        if (error != NULL)
          break;
        g_string_append (text, verified ? _("Read back and verified: checksums and Red Book rules pass\n")
                                        : _("Verification FAILED\n"));
        append_issues (text, issues);
        append_issues (text, verify_issues);
        outcome->passed = verified && lq_redbook_issues_count (issues, LQ_CHECK_ERROR) == 0;
      }
      break;
    case LQ_EXPORT_CUE:
      {
        LqCueOptions options;

        lq_cue_options_init (&options);
        options.issues = issues;
        if (!lq_cue_export (job->project, job->output, &options, cancellable, progress_cb, job->progress, &error))
          break;
        g_string_append_printf (text, _("CUE sheet, TOC and image written to %s\n"), path);
        list_files (text, job->output);
        append_issues (text, issues);
        outcome->passed = lq_redbook_issues_count (issues, LQ_CHECK_ERROR) == 0;
      }
      break;
    case LQ_EXPORT_STREAMING:
      {
        LqStreamingOptions options;
        g_autoptr(LqReport) report = NULL;
        g_autofree char *report_text = NULL;

        lq_streaming_options_init (&options, &job->preset);
        report = lq_streaming_export (job->project, job->output, &options, cancellable,
                                      progress_cb, job->progress, &error);
        if (report == NULL)
          break;
        report_text = lq_report_to_text (report);
        g_string_append_printf (text, _("%s files written to %s\n"), job->preset.name, path);
        list_files (text, job->output);
        g_string_append_c (text, '\n');
        g_string_append (text, report_text);
        outcome->passed = lq_report_passed (report);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  if (error != NULL)
    {
      outcome_free (outcome);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  outcome->text = g_string_free (g_steal_pointer (&text), FALSE);
  g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
}

static gboolean
progress_tick_cb (gpointer user_data)
{
  LqExportDialog *self = user_data;
  double fraction = g_atomic_int_get (&self->progress) / 10000.0;
  g_autofree char *text = g_strdup_printf ("%.0f %%", fraction * 100.0);

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
  return G_SOURCE_CONTINUE;
}

static void
show_report (LqExportDialog *self,
             const char     *title,
             const char     *text)
{
  gtk_label_set_text (self->result_label, title);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->report_view), text, -1);
  g_free (self->report_text);
  self->report_text = g_strdup (text);
  gtk_stack_set_visible_child_name (self->stack, "report");
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LqExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  Outcome *outcome = g_task_propagate_pointer (G_TASK (result), &error);

  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_object (&self->cancellable);
  self->done = TRUE;
  if (self->stack == NULL)
    {
      /* The dialog was closed meanwhile (its template is gone) */
      if (outcome != NULL)
        outcome_free (outcome);
      return;
    }
  if (outcome == NULL)
    {
      self->passed = FALSE;
      gtk_widget_set_visible (self->open_button, FALSE);
      show_report (self,
                   g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? _("Export cancelled")
                                                                             : _("Export failed"),
                   error->message);
      return;
    }
  self->passed = outcome->passed;
  gtk_widget_set_visible (self->open_button, TRUE);
  show_report (self, outcome->passed ? _("Exported and verified") : _("Exported, but the verification found problems"),
               outcome->text);
  outcome_free (outcome);
}

static void
update_export_button (LqExportDialog *self)
{
  gtk_widget_set_sensitive (self->export_button, lq_export_dialog_can_export (self));
}

static void
choose_response_cb (LqExportDialog       *self,
                    int                   response,
                    GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      lq_export_dialog_set_destination (self, folder);
    }
  g_object_unref (chooser);
}

static void
choose_clicked_cb (LqExportDialog *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Export Into Folder"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                               _("_Select"), _("_Cancel"));
  GFile *file = self->destination != NULL ? NULL : lq_project_get_file (self->project);

  /* Starts where the last export went, else beside the project file. */
  if (self->destination != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), self->destination, NULL);
  else if (file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);
      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), parent, NULL);
    }
  g_signal_connect_swapped (chooser, "response", G_CALLBACK (choose_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_clicked_cb (LqExportDialog *self)
{
  lq_export_dialog_start (self);
}

static void
cancel_clicked_cb (LqExportDialog *self)
{
  lq_export_dialog_cancel (self);
}

static void
open_clicked_cb (LqExportDialog *self)
{
  g_autofree char *uri = NULL;

  if (self->output == NULL)
    return;
  uri = g_file_get_uri (self->output);
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
add_check_row (LqExportDialog *self,
               const char     *icon,
               const char     *title,
               const char     *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *image = gtk_image_new_from_icon_name (icon);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  gtk_list_box_append (self->checks_list, row);
}

static void
run_checks (LqExportDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->checks_list))) != NULL)
    gtk_list_box_remove (self->checks_list, child);
  self->blocked = FALSE;
  if (self->kind == LQ_EXPORT_STREAMING)
    {
      LqStreamingOptions options;
      g_autoptr(GError) error = NULL;
      g_autofree char *target = g_strdup_printf (_("Target %.1f LUFS, ceiling %.1f dBTP, %s normalization"),
                                                 self->preset.target_lufs, self->preset.ceiling_dbtp,
                                                 lq_preset_normalization_to_string (self->preset.normalization));

      gtk_label_set_text (self->summary_label,
                          _("One file per track, mastered for the service, then measured: loudness, true peak "
                            "and pass or fail against the preset."));
      add_check_row (self, "emblem-default-symbolic", self->preset.name, target);
      lq_streaming_options_init (&options, &self->preset);
      if (!lq_streaming_check_options (&options, self->project, &error))
        {
          self->blocked = TRUE;
          add_check_row (self, "dialog-error-symbolic", error->message, _("Error"));
        }
      else
        add_check_row (self, "emblem-ok-symbolic", _("The project can be exported with this preset"), NULL);
    }
  else
    {
      LqRedbookLimits limits;
      g_autoptr(GPtrArray) issues = NULL;

      gtk_label_set_text (self->summary_label,
                          self->kind == LQ_EXPORT_DDP
                            ? _("A DDP 2.00 fileset for replication, read back and verified after writing. "
                                "The Red Book checks:")
                            : _("A CUE sheet and a TOC with one WAV image of the disc. The Red Book checks:"));
      lq_redbook_limits_init (&limits);
      issues = lq_redbook_check_project (self->project, &limits);
      for (guint i = 0; i < issues->len; i++)
        {
          const LqRedbookIssue *issue = g_ptr_array_index (issues, i);
          gboolean is_error = issue->severity == LQ_CHECK_ERROR;

          add_check_row (self, is_error ? "dialog-error-symbolic" : "dialog-warning-symbolic", issue->message,
                         is_error ? _("Error") : _("Warning"));
          self->blocked |= is_error;
        }
      if (issues->len == 0)
        add_check_row (self, "emblem-ok-symbolic", _("All Red Book checks pass"), NULL);
    }
}

static void
preset_selected_cb (LqExportDialog *self)
{
  guint n, i = gtk_drop_down_get_selected (self->preset_dropdown);
  const LqPreset *presets = lq_preset_get_builtin (&n);

  if (i < n)
    self->preset = presets[i];
  else
    lq_preset_init_from_project (&self->preset, self->project);
  run_checks (self);
  if (self->destination != NULL)
    {
      g_autoptr(GFile) destination = g_object_ref (self->destination);

      lq_export_dialog_set_destination (self, destination);
    }
  update_export_button (self);
}

static void
setup_presets (LqExportDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n, selected;
  const LqPreset *presets = lq_preset_get_builtin (&n);

  selected = n;
  for (guint i = 0; i < n; i++)
    {
      gtk_string_list_append (names, presets[i].name);
      if (g_str_equal (presets[i].id, self->preset.id))
        selected = i;
    }
  gtk_string_list_append (names, _("The project’s own target"));
  gtk_drop_down_set_model (self->preset_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->preset_dropdown, selected);
  g_signal_connect_swapped (self->preset_dropdown, "notify::selected", G_CALLBACK (preset_selected_cb), self);
  gtk_widget_set_visible (self->preset_box, TRUE);
}

static void
lq_export_dialog_dispose (GObject *object)
{
  LqExportDialog *self = LQ_EXPORT_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), LQ_TYPE_EXPORT_DIALOG);
  G_OBJECT_CLASS (lq_export_dialog_parent_class)->dispose (object);
}

static void
lq_export_dialog_finalize (GObject *object)
{
  LqExportDialog *self = LQ_EXPORT_DIALOG (object);

  g_clear_object (&self->project);
  g_clear_object (&self->destination);
  g_clear_object (&self->output);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->report_text, g_free);
  G_OBJECT_CLASS (lq_export_dialog_parent_class)->finalize (object);
}

static void
lq_export_dialog_class_init (LqExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_export_dialog_dispose;
  object_class->finalize = lq_export_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lacquer/Lacquer/lq-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, checks_list);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, preset_box);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, preset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, destination_label);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, report_view);
  gtk_widget_class_bind_template_child (widget_class, LqExportDialog, open_button);
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lq_export_dialog_init (LqExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lq_export_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @preset_id: (nullable): for @LQ_EXPORT_STREAMING, the service ("spotify"); NULL for the
 *   project's own target (custom)
 */
LqExportDialog *
lq_export_dialog_new (GtkWindow    *parent,
                      LqProject    *project,
                      LqExportKind  kind,
                      const char   *preset_id)
{
  LqExportDialog *self;
  const LqPreset *preset = NULL;

  g_return_val_if_fail (LQ_IS_PROJECT (project), NULL);
  g_return_val_if_fail (kind <= LQ_EXPORT_STREAMING, NULL);

  self = g_object_new (LQ_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->project = g_object_ref (project);
  self->kind = kind;
  if (preset_id != NULL)
    preset = lq_preset_lookup (preset_id);
  if (preset != NULL)
    self->preset = *preset;
  else
    lq_preset_init_from_project (&self->preset, project);
  switch (kind)
    {
    case LQ_EXPORT_DDP:
      adw_window_title_set_title (self->window_title, _("Export DDP"));
      break;
    case LQ_EXPORT_CUE:
      adw_window_title_set_title (self->window_title, _("Export CUE/TOC"));
      break;
    case LQ_EXPORT_STREAMING:
    default:
      adw_window_title_set_title (self->window_title, _("Export for Streaming"));
      break;
    }
  adw_window_title_set_subtitle (self->window_title, lq_project_get_title (project) ? lq_project_get_title (project) : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_window_title_get_title (self->window_title), -1);
  if (kind == LQ_EXPORT_STREAMING)
    setup_presets (self);
  run_checks (self);
  update_export_button (self);
  return self;
}

/* The export goes into a new folder inside @folder, named after the album and the format. */
void
lq_export_dialog_set_destination (LqExportDialog *self,
                                  GFile          *folder)
{
  const char *title;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (LQ_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (folder));

  g_set_object (&self->destination, folder);
  title = lq_project_get_title (self->project);
  if (title == NULL || *title == '\0')
    title = _("Album");
  switch (self->kind)
    {
    case LQ_EXPORT_DDP:
      name = g_strdup_printf ("%s DDP", title);
      break;
    case LQ_EXPORT_CUE:
      name = g_strdup_printf ("%s CUE", title);
      break;
    case LQ_EXPORT_STREAMING:
    default:
      name = g_strdup_printf ("%s %s", title, self->preset.name);
      break;
    }
  g_strdelimit (name, "/\\:", '-');
  g_clear_object (&self->output);
  self->output = g_file_get_child (folder, name);
  path = g_file_get_path (self->output);
  gtk_label_set_text (self->destination_label, path);
  update_export_button (self);
}

/* Returns: TRUE when the checks found no error, a destination is chosen and nothing runs */
gboolean
lq_export_dialog_can_export (LqExportDialog *self)
{
  g_return_val_if_fail (LQ_IS_EXPORT_DIALOG (self), FALSE);
  return !self->blocked && self->output != NULL && self->cancellable == NULL;
}

void
lq_export_dialog_start (LqExportDialog *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (LQ_IS_EXPORT_DIALOG (self));
  if (!lq_export_dialog_can_export (self))
    return;

  self->done = FALSE;
  self->passed = FALSE;
  self->cancellable = g_cancellable_new ();
  g_atomic_int_set (&self->progress, 0);
  job = g_new0 (Job, 1);
  job->kind = self->kind;
  job->project = g_object_ref (self->project);
  job->output = g_object_ref (self->output);
  job->preset = self->preset;
  job->progress = &self->progress;
  /* The task holds the dialog until the worker has finished, so job->progress stays valid */
  task = g_task_new (NULL, self->cancellable, export_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, lq_export_dialog_start);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  self->progress_id = g_timeout_add (100, progress_tick_cb, self);
  progress_tick_cb (self);
  update_export_button (self);
  g_task_run_in_thread (task, export_thread);
}

void
lq_export_dialog_cancel (LqExportDialog *self)
{
  g_return_if_fail (LQ_IS_EXPORT_DIALOG (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* Returns: (nullable) (transfer none): the folder the export writes, NULL before a destination */
GFile *
lq_export_dialog_get_output (LqExportDialog *self)
{
  g_return_val_if_fail (LQ_IS_EXPORT_DIALOG (self), NULL);
  return self->output;
}

/* Returns: (nullable): the report shown at the end, NULL before the export has finished */
const char *
lq_export_dialog_get_report_text (LqExportDialog *self)
{
  g_return_val_if_fail (LQ_IS_EXPORT_DIALOG (self), NULL);
  return self->done ? self->report_text : NULL;
}

gboolean
lq_export_dialog_get_passed (LqExportDialog *self)
{
  g_return_val_if_fail (LQ_IS_EXPORT_DIALOG (self), FALSE);
  return self->passed;
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LqProject *project = lq_window_get_project (LQ_WINDOW (widget));
  LqExportDialog *dialog;
  LqExportKind kind;
  g_autofree char *preset_id = NULL;

  if (project == NULL || lq_project_get_n_tracks (project) == 0)
    return;
  if (g_str_equal (action_name, "win.export-ddp"))
    kind = LQ_EXPORT_DDP;
  else if (g_str_equal (action_name, "win.export-cue"))
    kind = LQ_EXPORT_CUE;
  else
    kind = LQ_EXPORT_STREAMING;
  /* Streaming: the service asked for, else the default delivery preset of the preferences */
  if (parameter != NULL)
    preset_id = g_strdup (g_variant_get_string (parameter, NULL));
  else if (kind == LQ_EXPORT_STREAMING && LQ_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (widget))))
    {
      GSettings *settings = lq_application_get_settings (LQ_APPLICATION (gtk_window_get_application (GTK_WINDOW (widget))));
      if (settings != NULL)
        preset_id = g_settings_get_string (settings, "default-delivery-preset");
    }
  dialog = lq_export_dialog_new (GTK_WINDOW (widget), project, kind, preset_id);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
lq_export_dialog_install_actions (GtkWidgetClass *widget_class)
{
  g_return_if_fail (g_type_is_a (G_TYPE_FROM_CLASS (widget_class), LQ_TYPE_WINDOW));

  gtk_widget_class_install_action (widget_class, "win.export-ddp", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-cue", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-streaming", NULL, export_action);
}
