Attribute VB_Name = "RibbonTaizhang"
Option Explicit
' The one callback of every button on the taizhang ribbon tab. The button's tag names the job;
' Python (taizhang.macros.ribbon) does the rest, so a new button needs only a line of ribbon XML.
' Keep this module ASCII: VBA source is stored in the project's code page.

Sub TaizhangRibbon(control As IRibbonControl)
    RunPython "import taizhang.macros.ribbon as r; r.run('" & control.Tag & "')"
End Sub
