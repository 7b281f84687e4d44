Attribute VB_Name = "RibbonTaizhang"
Option Explicit
' The one callback of every button on the taizhang ribbon tab. The button's tag names the job;
' Python (taizhang.macros.ribbon, the add-in's one entry) does the rest, so a new button needs only
' a line of ribbon XML. This module stays ASCII (VBA stores source in the project's code page):
' Chinese text is written as \uXXXX escapes and decoded by U(); tests/test_addin_build.py
' decodes them too and checks the text. Messages go through MessageBoxW, so they show in Chinese
' whatever the system's code page.

#If VBA7 Then
    Private Declare PtrSafe Function MessageBoxW Lib "user32" (ByVal hWnd As LongPtr, ByVal lpText As LongPtr, _
        ByVal lpCaption As LongPtr, ByVal uType As Long) As Long
#Else
    Private Declare Function MessageBoxW Lib "user32" (ByVal hWnd As Long, ByVal lpText As Long, _
        ByVal lpCaption As Long, ByVal uType As Long) As Long
#End If

Private Const MB_ICONERROR As Long = &H10
Private Const MB_ICONINFORMATION As Long = &H40

' taizhang (the product's name)
Private Const TITLE As String = "\u53f0\u8d26\u52a9\u624b"
' no workbook is open: open the ledger first, then press the button
Private Const MSG_NO_BOOK As String = "\u8bf7\u5148\u6253\u5f00\u53f0\u8d26\u5de5\u4f5c\u7c3f\uff0c\u518d\u70b9\u201c\u53f0\u8d26\u52a9\u624b\u201d\u9009\u9879\u5361\u4e0a\u7684\u6309\u94ae\u3002"
' the buttons run only in Microsoft Excel (xlwings cannot drive WPS); close the ledger and run:
Private Const MSG_WPS As String = "\u53f0\u8d26\u52a9\u624b\u7684\u6309\u94ae\u53ea\u80fd\u5728 Microsoft Excel \u4e2d\u8fd0\u884c\uff1axlwings \u65e0\u6cd5\u64cd\u4f5c WPS \u8868\u683c\u3002\u8bf7\u4fdd\u5b58\u5e76\u5173\u95ed\u53f0\u8d26\uff0c\u5728\u201c\u547d\u4ee4\u63d0\u793a\u7b26\u201d\u4e2d\u8fd0\u884c\uff1a"
' Windows policy stopped Excel from starting Python (error 70), usually Defender's ASR rule
Private Const MSG_BLOCKED As String = "Windows \u7684\u5b89\u5168\u7b56\u7565\u4e0d\u5141\u8bb8 Excel \u542f\u52a8 Python\uff08\u8fd0\u884c\u65f6\u9519\u8bef 70\uff09\uff0c\u5e38\u89c1\u4e8e Defender \u7684\u653b\u51fb\u9762\u51cf\u5c11\u89c4\u5219\u201c\u963b\u6b62\u6240\u6709 Office \u5e94\u7528\u7a0b\u5e8f\u521b\u5efa\u5b50\u8fdb\u7a0b\u201d\u3002"
' give the install guide's section for IT to the office's IT, who can allow python.exe
Private Const MSG_BLOCKED_2 As String = "\u8bf7\u628a\u5b89\u88c5\u6307\u5357\u4e2d\u201c\u7ed9\u4fe1\u606f\u5316\u7ba1\u7406\u5458\u201d\u4e00\u8282\u4ea4\u7ed9\u5355\u4f4d IT\uff0c\u7531\u5176\u4e3a\u53f0\u8d26\u52a9\u624b\u7684 python.exe \u8bbe\u7f6e\u4f8b\u5916\u3002"
' Python could not be started: run the installer again or send this message to support
Private Const MSG_FAILED As String = "\u53f0\u8d26\u52a9\u624b\u6ca1\u80fd\u542f\u52a8 Python\u3002\u8bf7\u91cd\u65b0\u8fd0\u884c\u5b89\u88c5\u5305\u4e2d\u7684\u201c\u5b89\u88c5.bat\u201d\uff1b\u4ecd\u4e0d\u884c\u65f6\uff0c\u628a\u8fd9\u6761\u6d88\u606f\u53d1\u7ed9\u7ef4\u62a4\u4eba\u5458\u3002"

Sub TaizhangRibbon(control As IRibbonControl)
    If IsWps() Then
        Say U(MSG_WPS) & vbCrLf & vbCrLf & U(CommandLine(control.Tag)), MB_ICONINFORMATION
        Exit Sub
    End If
    If ActiveWorkbook Is Nothing Then  ' RunPython would stop with run-time error 91
        Say U(MSG_NO_BOOK), MB_ICONINFORMATION
        Exit Sub
    End If
    On Error GoTo Failed
    RunPython "import taizhang.macros.ribbon as r; r.run('" & control.Tag & "')"
    Exit Sub
Failed:
    If Err.Number = 70 Then  ' Permission denied: Excel may not start a program
        Say U(MSG_BLOCKED) & vbCrLf & vbCrLf & U(MSG_BLOCKED_2), MB_ICONERROR
    Else
        Say U(MSG_FAILED) & vbCrLf & "(" & Err.Number & ": " & Err.Description & ")", MB_ICONERROR
    End If
End Sub

' Conditional formats for a ribbon job in one call from Python (taizhang.macros.excel.live,
' flush_rules): added over COM each costs three calls. spec has one line a rule, its fields split
' by tabs: address, 1 to clear the range's conditional formats first, formula, colour (BGR).
Public Function TaizhangAddRules(ByVal bookName As String, ByVal sheetName As String, ByVal spec As String) As Long
    Dim target As Worksheet, lines() As String, fields() As String, i As Long, added As Long
    Set target = Workbooks(bookName).Worksheets(sheetName)
    lines = Split(spec, vbLf)
    For i = LBound(lines) To UBound(lines)
        fields = Split(lines(i), vbTab)
        If UBound(fields) = 3 Then
            If fields(1) = "1" Then target.Range(fields(0)).FormatConditions.Delete
            target.Range(fields(0)).FormatConditions.Add(Type:=xlExpression, Formula1:=fields(2)).Interior.Color = CLng(fields(3))
            added = added + 1
        End If
    Next i
    TaizhangAddRules = added
End Function

' WPS Spreadsheets loads the add-in but xlwings cannot drive it: say so instead of failing.
Private Function IsWps() As Boolean
    Dim where As String
    On Error Resume Next
    where = LCase$(Application.Name & "|" & Application.Path)
    On Error GoTo 0
    IsWps = InStr(where, "wps") > 0 Or InStr(where, "kingsoft") > 0 Or InStr(where, "excel") = 0
End Function

' What to type instead of the button (taizhang.macros.ribbon.COMMAND_LINE says the same).
Private Function CommandLine(ByVal tag As String) As String
    Select Case tag
        Case "check": CommandLine = "taizhang check \u53f0\u8d26.xlsx --write"
        Case "due": CommandLine = "taizhang due \u53f0\u8d26.xlsx --write"
        Case "mark_overdue": CommandLine = "taizhang due \u53f0\u8d26.xlsx --write"
        Case "summary": CommandLine = "taizhang summary \u53f0\u8d26.xlsx --write"
        Case "split": CommandLine = "taizhang split \u53f0\u8d26.xlsx --out \u5206\u53d1\uff08\u52a0 --send \u540c\u65f6\u53d1\u90ae\u4ef6\uff09"
        Case "merge": CommandLine = "taizhang collect --config \u5468\u68c0.toml\uff08\u4ece\u90ae\u7bb1\u6536\u53d6\u56de\u4f20\u6587\u4ef6\uff1b\u6ca1\u6709\u90ae\u7bb1\u65f6\u8df3\u8fc7\uff09\uff0c\u518d\u8fd0\u884c taizhang merge \u53f0\u8d26.xlsx \u56de\u6536\*.xlsx"
        Case "update_all": CommandLine = "taizhang update \u53f0\u8d26.xlsx"
        Case "settings": CommandLine = "taizhang new \u65b0\u53f0\u8d26.xlsx\uff08\u542b\u5168\u90e8\u8bbe\u7f6e\u5de5\u4f5c\u8868\uff09"
        Case "holidays": CommandLine = "taizhang holidays \u53f0\u8d26.xlsx --notice \u901a\u77e5.txt --write"
        Case "help": CommandLine = "taizhang --help"
        Case Else: CommandLine = "taizhang --help"
    End Select
End Function

Private Sub Say(ByVal text As String, ByVal icon As Long)
    #If Mac Then
        MsgBox text, icon
    #Else
        Dim caption As String
        caption = U(TITLE)
        MessageBoxW Application.Hwnd, StrPtr(text), StrPtr(caption), icon
    #End If
End Sub

' \uXXXX escapes to characters.
Private Function U(ByVal s As String) As String
    Dim i As Long, out As String
    i = 1
    Do While i <= Len(s)
        If Mid$(s, i, 2) = "\u" And i + 5 <= Len(s) Then
            out = out & ChrW(CLng("&H" & Mid$(s, i + 2, 4)))
            i = i + 6
        Else
            out = out & Mid$(s, i, 1)
            i = i + 1
        End If
    Loop
    U = out
End Function
